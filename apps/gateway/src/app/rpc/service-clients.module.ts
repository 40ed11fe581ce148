import { type DynamicModule, Module } from '@nestjs/common';
import { AuthApi, CatalogApi, NotificationsApi, OrdersApi } from '@shop/service-defaults';
import type { GatewayConfig } from '../gateway.config';

/** A typed client per downstream app, each measured and traced, injectable by its class, closed on shutdown. */
@Module({})
export class ServiceClientsModule {
  static forRoot({ services, rpcTimeoutMs }: Pick<GatewayConfig, 'services' | 'rpcTimeoutMs'>): DynamicModule {
    const options = { timeoutMs: rpcTimeoutMs, measured: true };
    const providers = [
      { provide: AuthApi, useFactory: () => new AuthApi(services.auth, options) },
      { provide: CatalogApi, useFactory: () => new CatalogApi(services.catalog, options) },
      { provide: OrdersApi, useFactory: () => new OrdersApi(services.orders, options) },
      // Not part of readiness: the shop sells while notifications is down (its events wait in the outbox).
      { provide: NotificationsApi, useFactory: () => new NotificationsApi(services.notifications, options) },
    ];
    return {
      module: ServiceClientsModule,
      global: true,
      providers,
      exports: providers.map((provider) => provider.provide),
    };
  }
}
