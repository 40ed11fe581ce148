import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type LoggerOptions, pino, stdSerializers } from 'pino';
import { traceIds } from '../metrics/tracing';
import { logRedaction } from './log-redaction';
import { currentRequestId } from './request-context';

/** How much of the per-request log is written: the gateway's access log and each app's per-message log. */
export interface RequestLogOptions {
  /**
   * The share (0–1) of plain lines written: a request that succeeded within `slowMs`.
   * Errors, refusals and slow requests are always written, with their request id.
   */
  accessLogSampleRate: number;
  /** A request that takes longer is slow: always logged, at warn. */
  slowMs: number;
}

/**
 * Whether this plain success gets its line. The others are not written at all, not even
 * serialized: at thousands of requests a second the log was a tenth of the gateway's CPU.
 */
export const sampled = (rate: number): boolean => rate >= 1 || Math.random() < rate;

export interface LoggingOptions {
  service: string;
  level: string;
}

/**
 * Every log line of a service: JSON tagged with its name, the current request id and trace ids,
 * with query parameters redacted from errors.
 */
export function loggerOptions({ service, level }: LoggingOptions): LoggerOptions {
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

/**
 * JSON logs (pino, see {@link loggerOptions}) for Nest's Logger and for whoever asks for
 * `PinoLogger`. No per-request middleware: pino-http's, run through Nest's middleware layer, made a
 * child logger per request whether or not its line was written; without it a cached product read
 * went from 0.41 to 0.51 of bare node:http here. The gateway writes its access line from a
 * Fastify hook instead (access-log.hook.ts).
 */
export function loggingModule(options: LoggingOptions): DynamicModule {
  return LoggerModule.forRoot({ forRoutes: [], pinoHttp: { logger: pino(loggerOptions(options)) } });
}
