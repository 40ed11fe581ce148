import { loadConfig, microserviceEnv, microserviceSettings, positiveInt, tcpUrl, withDatabaseUrl } from '@shop/service-defaults';
import { z } from 'zod';

const schema = z.object({
  ...microserviceEnv(4003),
  CATALOG_SERVICE_URL: tcpUrl(4002),
  RPC_TIMEOUT_MS: positiveInt(5000),
  ORDER_TTL_SECONDS: positiveInt(30 * 60),
  RECOVERY_INTERVAL_MS: positiveInt(15_000),
  STUCK_ORDER_SECONDS: positiveInt(60),
});

export function loadOrdersConfig(env: Record<string, string | undefined>) {
  const values = loadConfig(schema, withDatabaseUrl('orders', env));
  return {
    ...microserviceSettings('orders', values),
    catalog: { address: values.CATALOG_SERVICE_URL, timeoutMs: values.RPC_TIMEOUT_MS },
    recovery: {
      intervalMs: values.RECOVERY_INTERVAL_MS,
      /** Unpaid orders older than this are cancelled and their stock released. */
      orderTtlSeconds: values.ORDER_TTL_SECONDS,
      /** An order still reserving after this long lost its request (a crash, a dropped call). */
      stuckAfterSeconds: values.STUCK_ORDER_SECONDS,
    },
  };
}

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');
