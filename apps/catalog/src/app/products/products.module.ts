import { Module } from '@nestjs/common';
import { ProductService } from './product.service';
import { ProductsController } from './products.controller';

/** Products: listing, search, and admin edits guarded by their version. */
@Module({ controllers: [ProductsController], providers: [ProductService] })
export class ProductsModule {}
