import { Module } from '@nestjs/common';
import { CatalogClientModule } from '../catalog-client/catalog-client.module';
import { CartController } from './cart.controller';
import { CartService } from './cart.service';

/** One cart per user; placing an order reads and empties it in the orders' own transaction. */
@Module({ imports: [CatalogClientModule], controllers: [CartController], providers: [CartService] })
export class CartModule {}
