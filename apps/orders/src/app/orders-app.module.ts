import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, EventsModule, MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { CartModule } from './cart/cart.module';
import { schema } from './db/schema';
import { ORDERS_CONFIG, type OrdersConfig } from './orders.config';
import { OrdersModule } from './orders/orders.module';
import { PaymentsModule } from './payments/payments.module';
import { RecoveryModule } from './recovery/recovery.module';

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
        AppConfigModule.forRoot(ORDERS_CONFIG, config),
        OrdersModule,
        CartModule,
        PaymentsModule,
        RecoveryModule,
      ],
    };
  }
}
