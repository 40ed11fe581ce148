import { Module } from '@nestjs/common';
import { AuthClientModule } from '../auth-client/auth-client.module';
import { CatalogClientModule } from '../catalog-client/catalog-client.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OrderEvents } from './order-events';
import { OrderLifecycle } from './order-lifecycle.service';
import { OrderPlacement } from './order-placement.service';
import { OrderRepository } from './order.repository';
import { OrderStore } from './order.store';
import { OrdersController } from './orders.controller';

/**
 * Orders: placing them, reading them, moving them through their lifecycle. `OrderStore` is the
 * one writer of the `orders` table; payments moves orders through `OrderLifecycle`, recovery
 * through both.
 */
@Module({
  imports: [AuthClientModule, CatalogClientModule, IdempotencyModule],
  controllers: [OrdersController],
  providers: [OrderRepository, OrderStore, OrderEvents, OrderLifecycle, OrderPlacement],
  exports: [OrderRepository, OrderStore, OrderEvents, OrderLifecycle],
})
export class OrdersModule {}
