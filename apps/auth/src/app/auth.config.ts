import {
  devSecret,
  jwtSecret,
  loadConfig,
  loadEventsConfig,
  microserviceEnv,
  microserviceSettings,
  positiveInt,
  requiredInProduction,
  tcpUrl,
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
    /** The notifications app, which emails password-reset and verification links. */
    NOTIFICATIONS_SERVICE_URL: tcpUrl(4004),
    RPC_TIMEOUT_MS: positiveInt(5000),
  })
  .superRefine(requiredInProduction('JWT_SECRET'))
  .superRefine((env, ctx) => {
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
    notifications: { address: values.NOTIFICATIONS_SERVICE_URL, timeoutMs: values.RPC_TIMEOUT_MS },
    admin:
      values.ADMIN_EMAIL && values.ADMIN_PASSWORD
        ? { email: values.ADMIN_EMAIL, password: values.ADMIN_PASSWORD }
        : undefined,
  };
}

export type AuthConfig = ReturnType<typeof loadAuthConfig>;
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
