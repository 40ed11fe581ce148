import { z } from 'zod';
import { join } from 'node:path';
import { accessLogEnv, accessLogSettings, dataDir, logLevel, nodeEnv, optionalUrl, port } from './env-fields';

/** The variables every TCP app reads, besides its own. */
export const microserviceEnv = (defaultPort: number) => ({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  HOST: z.string().default('127.0.0.1'),
  PORT: port(defaultPort),
  DATABASE_URL: optionalUrl,
  DATA_DIR: dataDir,
  /** Unset: no HTTP health server (probes need one; `npm start` and the tests do not). */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ...accessLogEnv,
});

type MicroserviceEnv = z.output<z.ZodObject<ReturnType<typeof microserviceEnv>>>;

/**
 * Each app owns its database: `<APP>_DATABASE_URL` names it, so one environment can hold the
 * URLs of every app without ambiguity. This moves it to `DATABASE_URL` before validation.
 */
export function withDatabaseUrl(service: string, env: Record<string, string | undefined>) {
  return { ...env, DATABASE_URL: env[`${service.toUpperCase()}_DATABASE_URL`] };
}

export function microserviceSettings(service: string, values: MicroserviceEnv) {
  return {
    service,
    logLevel: values.LOG_LEVEL,
    rpcLog: accessLogSettings(values),
    address: { host: values.HOST, port: values.PORT },
    healthPort: values.HEALTH_PORT,
    database: { url: values.DATABASE_URL, dataDir: join(values.DATA_DIR, service) },
  };
}

export type MicroserviceSettings = ReturnType<typeof microserviceSettings>;
