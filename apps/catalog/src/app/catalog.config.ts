import {
  loadConfig,
  loadEventsConfig,
  microserviceEnv,
  microserviceSettings,
  optionalUrl,
  positiveInt,
  withDatabaseUrl,
} from '@shop/service-defaults';
import { z } from 'zod';

const schema = z.object({
  ...microserviceEnv(4002),
  REDIS_URL: optionalUrl,
  PRODUCT_CACHE_TTL_SECONDS: positiveInt(60),
});

export function loadCatalogConfig(env: Record<string, string | undefined>) {
  const values = loadConfig(schema, withDatabaseUrl('catalog', env));
  return {
    ...microserviceSettings('catalog', values),
    events: loadEventsConfig('catalog', env),
    cache: { redisUrl: values.REDIS_URL, ttlSeconds: values.PRODUCT_CACHE_TTL_SECONDS },
  };
}

export type CatalogConfig = ReturnType<typeof loadCatalogConfig>;
