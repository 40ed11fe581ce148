import {
  devSecret,
  jwtSecret,
  loadConfig,
  logLevel,
  nodeEnv,
  port,
  positiveInt,
  requiredInProduction,
  tcpUrl,
} from '@shop/service-defaults';
import { z } from 'zod';

const schema = z
  .object({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    HOST: z.string().default('0.0.0.0'),
    PORT: port(3000),
    AUTH_SERVICE_URL: tcpUrl(4001),
    CATALOG_SERVICE_URL: tcpUrl(4002),
    ORDERS_SERVICE_URL: tcpUrl(4003),
    RPC_TIMEOUT_MS: positiveInt(5_000),
    JWT_SECRET: jwtSecret,
    BODY_LIMIT_BYTES: positiveInt(100 * 1024),
    THROTTLE_TTL_SECONDS: positiveInt(60),
    THROTTLE_LIMIT: positiveInt(600),
    AUTH_THROTTLE_LIMIT: positiveInt(10),
  })
  .superRefine(requiredInProduction('JWT_SECRET'));

export function loadGatewayConfig(env: Record<string, string | undefined>) {
  const values = loadConfig(schema, env);
  return {
    logLevel: values.LOG_LEVEL,
    address: { host: values.HOST, port: values.PORT },
    services: {
      auth: values.AUTH_SERVICE_URL,
      catalog: values.CATALOG_SERVICE_URL,
      orders: values.ORDERS_SERVICE_URL,
    },
    rpcTimeoutMs: values.RPC_TIMEOUT_MS,
    jwtSecret: values.JWT_SECRET ?? devSecret(),
    bodyLimit: values.BODY_LIMIT_BYTES,
    throttle: {
      ttlMs: values.THROTTLE_TTL_SECONDS * 1000,
      limit: values.THROTTLE_LIMIT,
      authLimit: values.AUTH_THROTTLE_LIMIT,
    },
  };
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export type ServiceName = keyof GatewayConfig['services'];
