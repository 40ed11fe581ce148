import type { Logger } from '@nestjs/common';
import { requestContext } from '@shop/service-defaults';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from './request-id';
import { describeError, INTERNAL_ERROR, sendProblem } from './problem-response';

/**
 * Wires what Nest does not see: the request id echoed on every response and held in the
 * logging context, and errors raised by Fastify itself (body parsing) before any route runs.
 */
export function installFastifyHooks(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    requestContext.run({ requestId: String(request.id) }, done);
  });
  // Body parsing can run outside the context entered above; enter it again for the handler.
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestContext.run({ requestId: String(request.id) }, done);
  });
  fastify.setErrorHandler((error, _request, reply) => {
    const described = describeError(error);
    if (!described) logger.error({ err: error }, 'Unhandled error');
    sendProblem(reply, described ?? INTERNAL_ERROR);
  });
}
