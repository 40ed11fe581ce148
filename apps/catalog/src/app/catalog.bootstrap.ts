import { startMicroservice } from '@shop/service-defaults';
import { CatalogAppModule } from './catalog-app.module';
import type { CatalogConfig } from './catalog.config';

export const startCatalogApp = (config: CatalogConfig) =>
  startMicroservice(CatalogAppModule.forRoot(config), config.address, { healthPort: config.healthPort });
