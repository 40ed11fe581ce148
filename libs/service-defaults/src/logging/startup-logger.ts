import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import { logLevel } from '../config/env-fields';
import { loggerOptions } from './logging.module';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger contract over pino: what Nest writes before the app's own logger exists, and
 * start-up failures, come out as the same JSON lines (same fields, same redaction) as the rest,
 * instead of Nest's coloured text.
 */
export class StartupLogger implements LoggerService {
  readonly pino: pino.Logger;

  /** The level comes from LOG_LEVEL before the app's config is validated; an invalid one means info. */
  constructor(service: string, env: Record<string, string | undefined> = process.env) {
    // Synchronous writes: a start-up failure ends in process.exit, and pino's default asynchronous
    // stdout would flush its buffer at exit ahead of a write still queued in libuv's thread pool,
    // so on a busy machine the first line came out late or not at all.
    this.pino = pino(
      loggerOptions({ service, level: logLevel.catch('info').parse(env.LOG_LEVEL) }),
      pino.destination({ dest: 1, sync: true }),
    );
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes the context last, and `error(message, stack, context)` for errors it caught. */
  private write(level: Level, message: unknown, params: unknown[]): void {
    const context = params.length > 0 ? params[params.length - 1] : undefined;
    const stack = params.length > 1 ? params[0] : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message });
    } else if (message !== null && typeof message === 'object') {
      this.pino[level]({ ...fields, ...message });
    } else if (typeof stack === 'string') {
      this.pino[level]({ ...fields, err: { message: String(message), stack } }, String(message));
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
