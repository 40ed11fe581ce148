import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ServiceHealth } from '@shop/contracts';
import type { AuthApi, CatalogApi, OrdersApi } from '@shop/service-defaults';

/** Readiness answers fast even when a service hangs: a probe must not time out itself. */
const CHECK_TIMEOUT_MS = 2_000;

const UNREACHABLE: ServiceHealth = { status: 'down', database: 'down' };

/** What the indicator needs of an app's typed client: its health operation, and its name. */
type AppApi = Pick<AuthApi | CatalogApi | OrdersApi, 'health' | 'transport'>;

/**
 * Terminus's indicator for one app behind the gateway: up when the app answers its health check
 * within {@link CHECK_TIMEOUT_MS} and says it is up (its database reachable, not draining). The
 * app's own answer (`database`, `dependencies`) goes along as the indicator's details.
 */
@Injectable()
export class AppHealthIndicator {
  constructor(private readonly indicator: HealthIndicatorService) {}

  async pingCheck(api: AppApi) {
    const check = this.indicator.check(api.transport.name);
    const { status, ...details } = await api
      .health({}, { timeoutMs: CHECK_TIMEOUT_MS })
      .catch((): ServiceHealth => UNREACHABLE);
    return status === 'up' ? check.up(details) : check.down(details);
  }
}
