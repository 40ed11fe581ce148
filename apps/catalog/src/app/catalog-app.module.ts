import { type DynamicModule, Module } from '@nestjs/common';
import { EventsModule, MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { ProductCacheModule } from './cache/product-cache.module';
import type { CatalogConfig } from './catalog.config';
import { CategoriesModule } from './categories/categories.module';
import { CatalogChangesModule } from './changes/catalog-changes.module';
import { schema } from './db/schema';
import { ProductsModule } from './products/products.module';
import { StockModule } from './stock/stock.module';

@Module({})
export class CatalogAppModule {
  static forRoot(config: CatalogConfig): DynamicModule {
    return {
      module: CatalogAppModule,
      imports: [
        MicroserviceDefaultsModule.forRoot({
          settings: config,
          schema,
          migrationsFolder: join(__dirname, 'db/migrations'),
        }),
        ProductCacheModule.forRoot(config.cache),
        EventsModule.forRoot({ config: config.events }),
        ProductsModule,
        CategoriesModule,
        StockModule,
        CatalogChangesModule,
      ],
    };
  }
}
