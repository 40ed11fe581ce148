import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { CatalogConfig } from '../catalog.config';
import { MemoryProductCache } from './memory-product-cache';
import { ProductCache } from './product-cache';
import { RedisProductCache } from './redis-product-cache';

/** Redis when REDIS_URL is set (shared by every replica), else this process's memory. */
@Module({})
export class ProductCacheModule implements OnApplicationShutdown {
  constructor(@Inject(ProductCache) private readonly cache: ProductCache) {}

  static forRoot({ redisUrl, ttlSeconds }: CatalogConfig['cache']): DynamicModule {
    return {
      module: ProductCacheModule,
      providers: [
        {
          provide: ProductCache,
          useFactory: () =>
            redisUrl ? RedisProductCache.open(redisUrl, ttlSeconds * 1000) : new MemoryProductCache(ttlSeconds * 1000),
        },
      ],
      exports: [ProductCache],
    };
  }

  onApplicationShutdown(): Promise<void> {
    return this.cache.close();
  }
}
