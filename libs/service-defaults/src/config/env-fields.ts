import { isIP } from 'node:net';
import { z } from 'zod';

/** Fields and rules every service's environment schema is built from. */
export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const optionalUrl = z.url().optional();

/**
 * The parent of everything an app keeps on local disk outside production: its embedded database
 * in `<DATA_DIR>/<app>` and the generated development JWT secret. One folder for every app, so
 * `DATA_DIR=/x npm start` configures all of them and no two share a database folder.
 */
export const dataDir = z.string().min(1).default('.data');

/**
 * One or more `tcp://host:port`, comma-separated: every instance of an app, or one host name
 * that resolves to all of them (a Kubernetes headless Service). An IPv6 address is written in
 * brackets, as in any URL (`tcp://[fd00::7]:4001`), and comes out bare.
 */
export const tcpUrl = (fallbackPort: number) =>
  z
    .string()
    .default(`tcp://127.0.0.1:${fallbackPort}`)
    .transform((value, ctx) => {
      const addresses = value
        .split(',')
        .map((part) => /^tcp:\/\/(?:\[([0-9a-fA-F:.]+)\]|([^:/\s[\]]+)):(\d{1,5})$/.exec(part.trim()));
      if (addresses.some((match) => !match || Number(match[3]) > 65535 || (match[1] && isIP(match[1]) !== 6))) {
        ctx.addIssue({
          code: 'custom',
          message: 'must look like tcp://host:port (several may be given, comma-separated)',
        });
        return z.NEVER;
      }
      return addresses.map((match) => ({ host: match![1] ?? match![2], port: Number(match![3]) }));
    });

/** HMAC secrets shorter than this are guessable offline from any token. */
export const jwtSecret = z.string().min(32, 'must be at least 32 characters').optional();

/** Fails validation when `name` is unset in production: secrets never have production defaults. */
export function requiredInProduction<T extends { NODE_ENV: string }>(...names: (keyof T & string)[]) {
  return (env: T, ctx: z.RefinementCtx) => {
    if (env.NODE_ENV !== 'production') return;
    for (const name of names) {
      if (env[name] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when NODE_ENV=production' });
      }
    }
  };
}

/** How much of the per-request log is written: the gateway's access log, the TCP apps' per-message lines. */
export const accessLogEnv = {
  ACCESS_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).optional(),
  SLOW_REQUEST_MS: positiveInt(1_000),
};

export function accessLogSettings(values: {
  NODE_ENV: z.output<typeof nodeEnv>;
  ACCESS_LOG_SAMPLE_RATE?: number;
  SLOW_REQUEST_MS: number;
}) {
  return {
    // In production a plain success is written for one request in a hundred unless told otherwise.
    accessLogSampleRate: values.ACCESS_LOG_SAMPLE_RATE ?? (values.NODE_ENV === 'production' ? 0.01 : 1),
    slowMs: values.SLOW_REQUEST_MS,
  };
}
