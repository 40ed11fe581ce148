import { type DynamicModule, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { startTime } from 'pino-http';
import { type LoggerOptions, stdSerializers } from 'pino';
import { traceIds } from '../metrics/tracing';
import { logRedaction } from './log-redaction';
import { problemCodeOf } from './problem-code';
import { currentRequestId } from './request-context';

export interface LoggingOptions {
  service: string;
  level: string;
  /** Log one line per HTTP request (the gateway); TCP apps have no HTTP traffic to log. */
  accessLog?: boolean;
  /**
   * The share (0–1) of plain access lines written: a request that succeeded within `slowMs`.
   * Errors, refusals and slow requests are always written, with their request id.
   */
  accessLogSampleRate?: number;
  /** A request that takes longer is slow: always logged, at warn. */
  slowMs?: number;
}

// Probes and scrapes arrive every few seconds from every caller; at info they would drown the rest.
const QUIET_PATHS = /^\/(health\/|metrics(\?|$))/;

type AccessLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export function accessLogLevel({ accessLogSampleRate = 1, slowMs = Number.POSITIVE_INFINITY }: LoggingOptions) {
  return (req: IncomingMessage, res: ServerResponse, err?: Error): AccessLogLevel => {
    if (QUIET_PATHS.test(req.url ?? '')) return 'debug';
    if (err || res.statusCode >= 500) return 'error';
    if (res.statusCode >= 400) return 'warn';
    if (Date.now() - (res as ServerResponse & { [startTime]: number })[startTime] > slowMs) return 'warn';
    return sampled(accessLogSampleRate) ? 'info' : 'silent';
  };
}

/**
 * Whether this plain success gets its line. The others are not written at all, not even
 * serialized: at thousands of requests a second the log was a tenth of the gateway's CPU.
 */
export const sampled = (rate: number): boolean => rate >= 1 || Math.random() < rate;

/**
 * Every log line of a service: JSON tagged with its name, the current request id and trace ids,
 * with query parameters redacted from errors.
 */
export function loggerOptions({ service, level }: Pick<LoggingOptions, 'service' | 'level'>): LoggerOptions {
  return {
    level,
    base: { service },
    // The trace id (with OTEL_EXPORTER_OTLP_ENDPOINT) leads from a log line to its trace.
    mixin: () => {
      const requestId = currentRequestId();
      return { ...(requestId ? { requestId } : {}), ...traceIds() };
    },
    // The cause as an object of its own: a database error's code and constraint are on its cause.
    serializers: { err: stdSerializers.errWithCause },
    ...logRedaction,
  };
}

/** JSON logs (pino, see {@link loggerOptions}), and an access log line per HTTP request with `accessLog`. */
export function loggingModule(options: LoggingOptions): DynamicModule {
  const { service, level, accessLog = false } = options;
  const base = loggerOptions({ service, level });
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      ...base,
      autoLogging: accessLog,
      customLogLevel: accessLogLevel(options),
      // pino-http invents an Error (with a stack) for every 5xx answer; a real one is logged where
      // it is handled, so the access line keeps only what the request was and how it ended.
      customErrorObject: (_req, _res, _error, { err: _synthetic, ...line }) => line,
      genReqId: (req: IncomingMessage) => req.headers['x-request-id'] as string,
      customAttributeKeys: { reqId: 'requestId' },
      // At the end of a request that failed, its problem code: a client's mistake is this warn line, no stack.
      // Nothing otherwise: for any object, even an empty one, pino-http makes a child logger per request.
      customProps: (_req, res) => {
        const code = problemCodeOf(res);
        return (code ? { code } : undefined) as object;
      },
      serializers: {
        ...base.serializers,
        req: (req: IncomingMessage & { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
