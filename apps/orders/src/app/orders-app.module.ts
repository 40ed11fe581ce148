import { type DynamicModule, Module } from '@nestjs/common';
import { MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { ORDERS_CONFIG, type OrdersConfig } from './orders.config';
import { schema } from './db/schema';

@Module({})
export class OrdersAppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return {
      module: OrdersAppModule,
      imports: [
        MicroserviceDefaultsModule.forRoot({ settings: config, schema, migrationsFolder: join(__dirname, 'db/migrations') }),
      ],
      providers: [{ provide: ORDERS_CONFIG, useValue: config }],
    };
  }
}
