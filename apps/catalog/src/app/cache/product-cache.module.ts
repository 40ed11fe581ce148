import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { HEALTH_DEPENDENCIES, type HealthDependency } from '@shop/service-defaults';
import type { CatalogConfig } from '../catalog.config';
import { MemoryProductCache } from './memory-product-cache';
import { ProductCache } from './product-cache';
import { RedisProductCache } from './redis-product-cache';

/**
 * Redis when REDIS_URL is set (shared by every replica, its state reported in readiness), else
 * this process's memory. Global: products, categories and stock all keep it current.
 */
@Module({})
export class ProductCacheModule implements OnApplicationShutdown {
  constructor(@Inject(ProductCache) private readonly cache: ProductCache) {}

  static forRoot({ redisUrl, ttlSeconds }: CatalogConfig['cache']): DynamicModule {
    return {
      module: ProductCacheModule,
      global: true,
      providers: redisUrl
        ? [
            { provide: ProductCache, useFactory: () => RedisProductCache.open(redisUrl, ttlSeconds * 1000) },
            // Readiness reports Redis without depending on it: the cache fails open.
            {
              provide: HEALTH_DEPENDENCIES,
              inject: [ProductCache],
              useFactory: (cache: RedisProductCache): HealthDependency[] => [
                { name: 'redis', status: () => cache.status },
              ],
            },
          ]
        : [{ provide: ProductCache, useValue: new MemoryProductCache(ttlSeconds * 1000) }],
      exports: [ProductCache],
    };
  }

  onApplicationShutdown(): Promise<void> {
    return this.cache.close();
  }
}
