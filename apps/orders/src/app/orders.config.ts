import { loadConfig, microserviceEnv, microserviceSettings, withDatabaseUrl } from '@shop/service-defaults';
import { z } from 'zod';

const schema = z.object({
  ...microserviceEnv(4003),
});

export function loadOrdersConfig(env: Record<string, string | undefined>) {
  return microserviceSettings('orders', loadConfig(schema, withDatabaseUrl('orders', env)));
}

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');
