import {
  devSecret,
  jwtSecret,
  loadConfig,
  loadEventsConfig,
  microserviceEnv,
  microserviceSettings,
  positiveInt,
  requiredInProduction,
  withDatabaseUrl,
} from '@shop/service-defaults';
import { z } from 'zod';

const schema = z
  .object({
    ...microserviceEnv(4001),
    JWT_SECRET: jwtSecret,
    JWT_ACCESS_TTL: positiveInt(900),
    REFRESH_TOKEN_TTL: positiveInt(30 * 24 * 3600),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    /** Tests only: a file each password-reset and verification link is appended to, as a JSON line. */
    ACCOUNT_MAIL_DROP: z.string().min(1).optional(),
  })
  .superRefine(requiredInProduction('JWT_SECRET'))
  .superRefine((env, ctx) => {
    // Whoever reads that file could take over any account: production never writes it.
    if (env.NODE_ENV === 'production' && env.ACCOUNT_MAIL_DROP !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ACCOUNT_MAIL_DROP'],
        message: 'is for tests only; not allowed in production',
      });
    }
    if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' });
    }
  });

export function loadAuthConfig(env: Record<string, string | undefined>) {
  const values = loadConfig(schema, withDatabaseUrl('auth', env));
  return {
    ...microserviceSettings('auth', values),
    events: loadEventsConfig('auth', env),
    jwtSecret: values.JWT_SECRET ?? devSecret(values.DATA_DIR),
    accessTokenTtl: values.JWT_ACCESS_TTL,
    refreshTokenTtl: values.REFRESH_TOKEN_TTL,
    accountMailDrop: values.ACCOUNT_MAIL_DROP,
    admin:
      values.ADMIN_EMAIL && values.ADMIN_PASSWORD
        ? { email: values.ADMIN_EMAIL, password: values.ADMIN_PASSWORD }
        : undefined,
  };
}

export type AuthConfig = ReturnType<typeof loadAuthConfig>;
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
