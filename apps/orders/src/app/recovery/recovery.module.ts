import { Module } from '@nestjs/common';
import { CatalogClientModule } from '../catalog-client/catalog-client.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { OrdersModule } from '../orders/orders.module';
import { PaymentsModule } from '../payments/payments.module';
import { OrderRecovery } from './order-recovery.service';

/** The background job that finishes or undoes what requests left half-way. */
@Module({
  imports: [CatalogClientModule, IdempotencyModule, OrdersModule, PaymentsModule],
  providers: [OrderRecovery],
  exports: [OrderRecovery],
})
export class RecoveryModule {}
