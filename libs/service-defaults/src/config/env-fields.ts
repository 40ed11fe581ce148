import { z } from 'zod';

/** Fields and rules every service's environment schema is built from. */
export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const optionalUrl = z.url().optional();

/** `tcp://host:port`, the address form the gateway dials. */
export const tcpUrl = (fallbackPort: number) =>
  z
    .string()
    .default(`tcp://127.0.0.1:${fallbackPort}`)
    .transform((value, ctx) => {
      const match = /^tcp:\/\/([^:/\s]+):(\d{1,5})$/.exec(value);
      if (!match || Number(match[2]) > 65535) {
        ctx.addIssue({ code: 'custom', message: 'must look like tcp://host:port' });
        return z.NEVER;
      }
      return { host: match[1], port: Number(match[2]) };
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
