import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { requestContext } from '@shop/service-defaults';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { REQUEST_ID_HEADER } from './request-id';

/** A request whose JSON body also kept its raw text. */
export type RawBodyRequest = FastifyRequest & { rawBody?: string };

/**
 * Wires what Nest does not see: the request id echoed on every response and held in the
 * logging context, and a JSON parser whose failures are ours to name (Nest would turn
 * Fastify's into a bare 400).
 */
export function installFastifyHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    // Node answers a missing Host with an empty 400 of its own unless told not to (see startGateway).
    const error =
      request.raw.httpVersion === '1.1' && !request.headers.host
        ? new AppError(400, ErrorCode.MalformedRequest, 'An HTTP/1.1 request needs a Host header')
        : undefined;
    requestContext.run({ requestId: String(request.id) }, () => done(error));
  });
  // Body parsing can run outside the context entered above; enter it again for the handler.
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestContext.run({ requestId: String(request.id) }, done);
  });

  // JSON is the only body this API takes (anything else is 415). Fastify's own parser is kept
  // for its guard against prototype poisoning.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  // The raw text is kept too: a signed webhook (Stripe's) is verified over the exact bytes sent.
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return done(
        new AppError(
          415,
          ErrorCode.UnsupportedMediaType,
          `Content-Encoding ${encoding} is not supported; send plain JSON`,
        ),
        undefined,
      );
    }
    // Refused before parsing: a parsed value this deep would overflow the stack of whatever walks it.
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      return done(
        new AppError(
          400,
          ErrorCode.BodyTooDeep,
          `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
        ),
        undefined,
      );
    }
    (request as RawBodyRequest).rawBody = body as string;
    void parseJson(request, body as string, (error: Error | null, value?: unknown) =>
      error
        ? done(new AppError(400, ErrorCode.MalformedJson, `The body is not valid JSON: ${error.message}`), undefined)
        : done(null, value),
    );
  });
}
