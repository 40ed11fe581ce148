import { problemCodeOf, type RequestLogOptions, sampled } from '@shop/service-defaults';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

// Probes and scrapes arrive every few seconds from every caller; at info they would drown the rest.
const QUIET_PATHS = /^\/(health\/|metrics(\?|$))/;

type AccessLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The level of a finished request's line; `silent` writes none. */
export function accessLogLevel({ accessLogSampleRate, slowMs }: RequestLogOptions) {
  return (url: string, statusCode: number, elapsedMs: number): AccessLogLevel => {
    if (QUIET_PATHS.test(url)) return 'debug';
    if (statusCode >= 500) return 'error';
    if (statusCode >= 400 || elapsedMs > slowMs) return 'warn';
    return sampled(accessLogSampleRate) ? 'info' : 'silent';
  };
}

const requestOf = (request: FastifyRequest) => ({ method: request.method, url: request.url });

/**
 * One line per HTTP request with its request id, method, URL, status, duration and, for a
 * problem, its code: errors, refusals and slow requests always, plain successes sampled
 * ({@link RequestLogOptions}), and a request whose client went away before its answer at warn.
 * Nothing is built for a line that is not written.
 */
export function installAccessLog(fastify: FastifyInstance, logger: Logger, options: RequestLogOptions): void {
  const levelOf = accessLogLevel(options);
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const { statusCode } = reply;
    const level = levelOf(request.url, statusCode, reply.elapsedTime);
    if (level !== 'silent') {
      const code = problemCodeOf(reply.raw);
      logger[level](
        {
          requestId: request.id,
          req: requestOf(request),
          res: { statusCode },
          responseTime: Math.round(reply.elapsedTime),
          ...(code ? { code } : {}),
        },
        statusCode >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request: FastifyRequest, done) => {
    logger.warn({ requestId: request.id, req: requestOf(request) }, 'request aborted');
    done();
  });
}
