import { type DynamicModule, Module } from '@nestjs/common';
import { CatalogApi } from '@shop/service-defaults';
import type { GatewayConfig } from '../gateway.config';
import { CatalogChangesPoller } from './catalog-changes.poller';
import { CatalogReadCache } from './catalog-read-cache';

/** The gateway's product and listing cache, and this replica's subscription that keeps it fresh. */
@Module({})
export class CatalogCacheModule {
  static forRoot({ maxStalenessMs, pollMs }: GatewayConfig['catalogCache']): DynamicModule {
    return {
      module: CatalogCacheModule,
      global: true,
      providers: [
        { provide: CatalogReadCache, useValue: new CatalogReadCache(maxStalenessMs) },
        {
          provide: CatalogChangesPoller,
          inject: [CatalogApi, CatalogReadCache],
          useFactory: (catalog: CatalogApi, cache: CatalogReadCache) =>
            new CatalogChangesPoller(catalog, cache, pollMs, maxStalenessMs),
        },
      ],
      exports: [CatalogReadCache],
    };
  }
}
