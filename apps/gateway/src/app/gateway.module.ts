import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuardModule, JwtAuthGuard } from '@shop/auth-guard';
import { loggingModule } from '@shop/service-defaults';
import { AddressesController } from './auth/addresses.controller';
import { AuthController } from './auth/auth.controller';
import { UsersController } from './auth/users.controller';
import { CartController } from './cart/cart.controller';
import { CatalogCacheModule } from './catalog/catalog-cache.module';
import { CategoriesController } from './catalog/categories.controller';
import { ProductsController } from './catalog/products.controller';
import { StockAdjustmentsController } from './catalog/stock-adjustments.controller';
import type { GatewayConfig } from './gateway.config';
import { HealthModule } from './health/health.module';
import { MetricsController } from './metrics/metrics.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { NotificationsController } from './notifications/notifications.controller';
import { OrderReadCache } from './orders/order-read-cache';
import { OrdersController } from './orders/orders.controller';
import { PaymentsController } from './payments/payments.controller';
import { ServiceClientsModule } from './rpc/service-clients.module';
import { GatewayThrottlerGuard } from './throttling/gateway-throttler.guard';
import { throttlingModule } from './throttling/throttling.module';

/** Every route's guards, in order: a flood of bad tokens is rate limited before it is verified. */
export const GLOBAL_GUARDS = [GatewayThrottlerGuard, JwtAuthGuard];

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        loggingModule({ service: 'gateway', level: config.logLevel }),
        throttlingModule(config),
        AuthGuardModule.forRoot({ jwtSecret: config.jwtSecret }),
        ServiceClientsModule.forRoot(config),
        CatalogCacheModule.forRoot(config.catalogCache),
        HealthModule,
      ],
      controllers: [
        AuthController,
        AddressesController,
        UsersController,
        MetricsController,
        ProductsController,
        StockAdjustmentsController,
        CategoriesController,
        OrdersController,
        CartController,
        PaymentsController,
        NotificationsController,
      ],
      providers: [
        GatewayThrottlerGuard,
        { provide: OrderReadCache, useValue: new OrderReadCache(config.orderCache.maxStalenessMs) },
        ...GLOBAL_GUARDS.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
