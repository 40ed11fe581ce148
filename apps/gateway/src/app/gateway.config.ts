import {
  accessLogEnv,
  accessLogSettings,
  dataDir,
  devSecret,
  jwtSecret,
  loadConfig,
  logLevel,
  nodeEnv,
  optionalUrl,
  port,
  positiveInt,
  requiredInProduction,
  tcpUrl,
} from '@shop/service-defaults';
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Addresses (`10.0.0.7`) or CIDR blocks (`10.0.0.0/8`), comma-separated: the proxies whose
 * X-Forwarded-For is believed. Empty: none, the client is whoever connects.
 */
const trustedProxies = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const [address, bits, ...rest] = entry.split('/');
      const family = isIP(address);
      const maxBits = family === 6 ? 128 : 32;
      const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
      if (!family || !validBits || rest.length > 0) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR block` });
        return z.NEVER;
      }
    }
    return entries;
  });

const schema = z
  .object({
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    HOST: z.string().default('0.0.0.0'),
    PORT: port(3000),
    AUTH_SERVICE_URL: tcpUrl(4001),
    CATALOG_SERVICE_URL: tcpUrl(4002),
    ORDERS_SERVICE_URL: tcpUrl(4003),
    NOTIFICATIONS_SERVICE_URL: tcpUrl(4004),
    RPC_TIMEOUT_MS: positiveInt(5_000),
    JWT_SECRET: jwtSecret,
    BODY_LIMIT_BYTES: positiveInt(100 * 1024),
    THROTTLE_TTL_SECONDS: positiveInt(60),
    THROTTLE_LIMIT: positiveInt(600),
    AUTH_THROTTLE_LIMIT: positiveInt(10),
    TRUSTED_PROXIES: trustedProxies,
    REDIS_URL: optionalUrl,
    CATALOG_CACHE_MAX_STALENESS_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
    CATALOG_CACHE_POLL_MS: positiveInt(200),
    ORDER_CACHE_MAX_STALENESS_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
    ...accessLogEnv,
    DATA_DIR: dataDir,
  })
  .superRefine(requiredInProduction('JWT_SECRET'))
  .refine(
    (values) =>
      values.CATALOG_CACHE_MAX_STALENESS_MS === 0 ||
      values.CATALOG_CACHE_POLL_MS < values.CATALOG_CACHE_MAX_STALENESS_MS,
    {
      path: ['CATALOG_CACHE_POLL_MS'],
      message: 'must be below CATALOG_CACHE_MAX_STALENESS_MS, or the cache would never serve',
    },
  );

export function loadGatewayConfig(env: Record<string, string | undefined>) {
  const values = loadConfig(schema, env);
  return {
    logLevel: values.LOG_LEVEL,
    address: { host: values.HOST, port: values.PORT },
    services: {
      auth: values.AUTH_SERVICE_URL,
      catalog: values.CATALOG_SERVICE_URL,
      orders: values.ORDERS_SERVICE_URL,
      notifications: values.NOTIFICATIONS_SERVICE_URL,
    },
    rpcTimeoutMs: values.RPC_TIMEOUT_MS,
    accessLog: accessLogSettings(values),
    catalogCache: { maxStalenessMs: values.CATALOG_CACHE_MAX_STALENESS_MS, pollMs: values.CATALOG_CACHE_POLL_MS },
    orderCache: { maxStalenessMs: values.ORDER_CACHE_MAX_STALENESS_MS },
    jwtSecret: values.JWT_SECRET ?? devSecret(values.DATA_DIR),
    bodyLimit: values.BODY_LIMIT_BYTES,
    trustedProxies: values.TRUSTED_PROXIES,
    throttle: {
      ttlMs: values.THROTTLE_TTL_SECONDS * 1000,
      limit: values.THROTTLE_LIMIT,
      authLimit: values.AUTH_THROTTLE_LIMIT,
      redisUrl: values.REDIS_URL,
    },
  };
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
