import { loadConfig, microserviceEnv, microserviceSettings, withDatabaseUrl } from '@shop/service-defaults';
import { z } from 'zod';

const schema = z.object({
  ...microserviceEnv(4002),
});

export function loadCatalogConfig(env: Record<string, string | undefined>) {
  return microserviceSettings('catalog', loadConfig(schema, withDatabaseUrl('catalog', env)));
}

export type CatalogConfig = ReturnType<typeof loadCatalogConfig>;
export const CATALOG_CONFIG = Symbol('CATALOG_CONFIG');
