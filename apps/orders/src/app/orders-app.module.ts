import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { IDEMPOTENT_PATTERNS } from '@shop/contracts';
import { EventsModule, MicroserviceDefaultsModule, ServiceClient } from '@shop/service-defaults';
import { join } from 'node:path';
import { CartController } from './cart/cart.controller';
import { CartService } from './cart/cart.service';
import { CatalogClient } from './catalog/catalog.client';
import { schema } from './db/schema';
import { IdempotencyService } from './idempotency/idempotency.service';
import { ORDERS_CONFIG, type OrdersConfig } from './orders.config';
import { OrderEvents } from './orders/order-events';
import { OrderLifecycle } from './orders/order-lifecycle.service';
import { OrderPlacement } from './orders/order-placement.service';
import { OrderRepository } from './orders/order.repository';
import { OrdersController } from './orders/orders.controller';
import { PAYMENT_PROVIDER } from './payments/payment-provider';
import { PaymentService } from './payments/payment.service';
import { PaymentsController } from './payments/payments.controller';
import { RefundService } from './payments/refund.service';
import { StripePaymentProvider } from './payments/stripe-payment.provider';
import { StripeWebhookService } from './payments/stripe-webhook.service';
import { TestPaymentProvider } from './payments/test-payment.provider';
import { OrderRecovery } from './recovery/order-recovery.service';

@Module({})
export class OrdersAppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return {
      module: OrdersAppModule,
      imports: [
        MicroserviceDefaultsModule.forRoot({
          settings: config,
          schema,
          migrationsFolder: join(__dirname, 'db/migrations'),
        }),
        EventsModule.forRoot({ config: config.events }),
      ],
      controllers: [OrdersController, CartController, PaymentsController],
      providers: [
        { provide: ORDERS_CONFIG, useValue: config },
        {
          provide: CatalogClient,
          useFactory: () =>
            new CatalogClient(
              ServiceClient.tcp('catalog', config.catalog.address, config.catalog.timeoutMs, IDEMPOTENT_PATTERNS),
            ),
        },
        {
          provide: PAYMENT_PROVIDER,
          useFactory: () => {
            if (config.stripe) return new StripePaymentProvider(config.stripe);
            if (config.production) {
              new Logger('Payments').warn(
                'PAYMENT_PROVIDER=test in production: fake payments are accepted (anyone can pay with 4242 4242 4242 4242)',
              );
            }
            return new TestPaymentProvider();
          },
        },
        IdempotencyService,
        OrderRepository,
        OrderLifecycle,
        OrderEvents,
        OrderPlacement,
        OrderRecovery,
        CartService,
        PaymentService,
        RefundService,
        StripeWebhookService,
      ],
    };
  }
}
