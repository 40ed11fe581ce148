import type { OnApplicationShutdown } from '@nestjs/common';
import {
  AuthContract,
  CatalogContract,
  NotificationsContract,
  type Contract,
  operationsOf,
  OrdersContract,
  type RequestOf,
  type ResponseOf,
} from '@shop/contracts';
import { ServiceClient, type ServiceClientOptions } from './service-client';
import type { ServiceAddress } from './service-endpoint';

export interface CallOptions {
  /** This call's deadline, in place of the client's. */
  timeoutMs?: number;
}

/** One method per operation of the contract, named as the contract names it, typed by its declaration. */
export type TypedApi<TContract extends Contract<object>> = {
  readonly [K in keyof TContract['operations']]: (
    request: RequestOf<TContract['operations'][K]>,
    options?: CallOptions,
  ) => Promise<ResponseOf<TContract['operations'][K]>>;
};

export interface ApiClientInstance extends OnApplicationShutdown {
  /** The connection to the app's instances (named after the contract's service). */
  readonly transport: ServiceClient;
}

/**
 * The class of a typed client for one app: it has a method per operation of the app's contract,
 * and reaches the app's instances over its own {@link ServiceClient}. Being a class, it is its
 * own injection token; Nest closes its connections on shutdown.
 */
export function ApiClient<TContract extends Contract<object>>(
  contract: TContract,
): new (
  targets: ServiceAddress | ServiceAddress[],
  options: ServiceClientOptions,
) => TypedApi<TContract> & ApiClientInstance {
  class Api implements ApiClientInstance {
    readonly transport: ServiceClient;

    constructor(targets: ServiceAddress | ServiceAddress[], options: ServiceClientOptions) {
      this.transport = ServiceClient.tcp(contract.service, targets, options);
    }

    onApplicationShutdown(): void {
      this.transport.close();
    }
  }
  for (const operation of operationsOf(contract)) {
    Object.defineProperty(Api.prototype, operation.name, {
      value(this: Api, request: unknown, options: CallOptions = {}) {
        return this.transport.call(operation, request, options.timeoutMs);
      },
    });
  }
  return Api as new (
    targets: ServiceAddress | ServiceAddress[],
    options: ServiceClientOptions,
  ) => Api & TypedApi<TContract>;
}

export class AuthApi extends ApiClient(AuthContract) {}
export class CatalogApi extends ApiClient(CatalogContract) {}
export class OrdersApi extends ApiClient(OrdersContract) {}
export class NotificationsApi extends ApiClient(NotificationsContract) {}
