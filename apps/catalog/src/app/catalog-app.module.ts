import { type DynamicModule, Module } from '@nestjs/common';
import { EventsModule, MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { ProductCacheModule } from './cache/product-cache.module';
import type { CatalogConfig } from './catalog.config';
import { CategoriesController } from './categories/categories.controller';
import { CategoryService } from './categories/category.service';
import { schema } from './db/schema';
import { CatalogEvents } from './products/catalog-events';
import { ProductService } from './products/product.service';
import { ProductsController } from './products/products.controller';
import { ReservationService } from './stock/reservation.service';
import { ReservationsController } from './stock/reservations.controller';
import { StockAdjustmentService } from './stock/stock-adjustment.service';

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
      ],
      controllers: [ProductsController, CategoriesController, ReservationsController],
      providers: [
        ProductService,
        CatalogEvents,
        CategoryService,
        StockAdjustmentService,
        ReservationService,
      ],
    };
  }
}
