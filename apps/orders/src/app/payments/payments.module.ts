import { Logger, Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';
import { OrdersModule } from '../orders/orders.module';
import { PaymentLedger } from './payment.ledger';
import { PAYMENT_PROVIDER } from './payment-provider';
import { PaymentQueries } from './payment-queries.service';
import { PaymentRecovery } from './payment-recovery.service';
import { PaymentReports } from './payment-reports.service';
import { PaymentRequests } from './payment-requests.service';
import { PaymentsController } from './payments.controller';
import { PaymentSettlement } from './payment-settlement.service';
import { StripePaymentProvider } from './stripe-payment.provider';
import { StripeWebhookService } from './stripe-webhook.service';
import { TestPaymentProvider } from './test-payment.provider';

/**
 * Payments: charging orders (request path), the provider's reports (webhooks), finishing what
 * requests left half-way (for recovery), and settlement (capture at shipment, void or refund on cancel). `PaymentLedger` is the one writer of the
 * `payments` table, every write a move of the payment machine.
 */
@Module({
  imports: [OrdersModule, IdempotencyModule],
  controllers: [PaymentsController],
  providers: [
    {
      provide: PAYMENT_PROVIDER,
      inject: [ORDERS_CONFIG],
      useFactory: ({ stripe, production }: OrdersConfig) => {
        if (stripe) return new StripePaymentProvider(stripe);
        if (production) {
          new Logger('Payments').warn(
            'PAYMENT_PROVIDER=test in production: fake payments are accepted (anyone can pay with 4242 4242 4242 4242)',
          );
        }
        return new TestPaymentProvider();
      },
    },
    PaymentLedger,
    PaymentRequests,
    PaymentQueries,
    PaymentReports,
    PaymentRecovery,
    PaymentSettlement,
    StripeWebhookService,
  ],
  exports: [PaymentRecovery, PaymentSettlement],
})
export class PaymentsModule {}
