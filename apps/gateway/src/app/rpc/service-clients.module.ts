import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { GatewayConfig, ServiceName } from '../gateway.config';
import { IDEMPOTENT_PATTERNS } from '@shop/contracts';
import { ServiceClient } from '@shop/service-defaults';
import { measureCalls } from '../metrics/measured-service-client';

export const AUTH_SERVICE = Symbol('AUTH_SERVICE');
export const CATALOG_SERVICE = Symbol('CATALOG_SERVICE');
export const ORDERS_SERVICE = Symbol('ORDERS_SERVICE');
export const NOTIFICATIONS_SERVICE = Symbol('NOTIFICATIONS_SERVICE');
/** The apps readiness depends on: the shop sells without notifications (their events wait in the outbox). */
export const ALL_SERVICES = Symbol('ALL_SERVICES');

const TOKENS: Record<ServiceName, symbol> = {
  auth: AUTH_SERVICE,
  catalog: CATALOG_SERVICE,
  orders: ORDERS_SERVICE,
  notifications: NOTIFICATIONS_SERVICE,
};
const REQUIRED: ReadonlySet<ServiceName> = new Set(['auth', 'catalog', 'orders']);

const CLIENTS = Symbol('CLIENTS');

/** One {@link ServiceClient} per downstream app, injectable by token, closed on shutdown. */
@Module({})
export class ServiceClientsModule implements OnApplicationShutdown {
  constructor(@Inject(CLIENTS) private readonly clients: ServiceClient[]) {}

  static forRoot(config: Pick<GatewayConfig, 'services' | 'rpcTimeoutMs'>): DynamicModule {
    const clients = (Object.keys(TOKENS) as ServiceName[]).map((name) =>
      measureCalls(ServiceClient.tcp(name, config.services[name], config.rpcTimeoutMs, IDEMPOTENT_PATTERNS)),
    );
    const providers = [
      ...clients.map((client) => ({ provide: TOKENS[client.name as ServiceName], useValue: client })),
      { provide: ALL_SERVICES, useValue: clients.filter((client) => REQUIRED.has(client.name as ServiceName)) },
      { provide: CLIENTS, useValue: clients },
    ];
    return {
      module: ServiceClientsModule,
      global: true,
      providers,
      exports: providers.map((provider) => provider.provide),
    };
  }

  onApplicationShutdown(): void {
    for (const client of this.clients) client.close();
  }
}
