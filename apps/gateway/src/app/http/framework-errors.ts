import { Logger } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { type ErrorPayload, PROBLEM_CONTENT_TYPE, toProblem } from '@shop/problem-details';
import { requestContext } from '@shop/service-defaults';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { sendProblem } from './problem-response';
import { REQUEST_ID_HEADER } from './request-id';

const logger = new Logger('HTTP');

/**
 * Fastify's `frameworkErrors`: a URL its router cannot decode or a path parameter over its
 * length limit, refused before any hook or route runs.
 */
export function onFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem: ErrorPayload =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { status: 414, code: ErrorCode.UriTooLong, detail: 'A path parameter is longer than 100 characters' }
      : { status: 400, code: ErrorCode.InvalidUrl, detail: 'The URL is not validly percent-encoded' };
  requestContext.run({ requestId: String(request.id) }, () => {
    logger.warn(`${problem.code}: ${request.method} refused by the router (${error.code})`);
    void reply.header(REQUEST_ID_HEADER, request.id);
    sendProblem(reply, problem);
  });
}

/** Node's HTTP parser errors, by its error code; anything else it refuses is a malformed request. */
const CLIENT_ERRORS: Record<string, ErrorPayload> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: ErrorCode.HeadersTooLarge,
    detail: 'The request line and headers are larger than the server accepts',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: ErrorCode.MalformedRequest,
    detail: 'The request took too long to arrive',
  },
};

/**
 * Fastify's `clientErrorHandler`: the request never became one (a header value with a CR,
 * Content-Length beside Transfer-Encoding, a 20 kB URL), so there is no reply object, only the
 * socket. It still gets a problem with a request id of its own, and the connection is closed.
 */
export function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = CLIENT_ERRORS[error.code ?? ''] ?? {
    status: 400,
    code: ErrorCode.MalformedRequest,
    detail: 'The request is not valid HTTP/1.1',
  };
  const requestId = randomUUID();
  requestContext.run({ requestId }, () =>
    logger.warn(`${problem.code}: refused by the HTTP parser (${error.code ?? error.message})`),
  );
  if (socket.writable) {
    const body = JSON.stringify(toProblem(problem, requestId));
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
