import { startMicroservice } from '@shop/service-defaults';
import { OrdersAppModule } from './orders-app.module';
import type { OrdersConfig } from './orders.config';

export const startOrdersApp = (config: OrdersConfig) =>
  startMicroservice(OrdersAppModule.forRoot(config), config.address, { healthPort: config.healthPort });
