import { Module } from '@nestjs/common';
import { CatalogEventsModule } from '../events/catalog-events.module';
import { ProductService } from './product.service';
import { ProductsController } from './products.controller';

/** Products: listing, search, and admin edits guarded by their version. */
@Module({ imports: [CatalogEventsModule], controllers: [ProductsController], providers: [ProductService] })
export class ProductsModule {}
