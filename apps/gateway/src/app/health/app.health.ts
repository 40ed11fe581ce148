import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HEALTH_CHECK, type ServiceHealth } from '@shop/contracts';
import type { ServiceClient } from '@shop/service-defaults';

/** Readiness answers fast even when a service hangs: a probe must not time out itself. */
const CHECK_TIMEOUT_MS = 2_000;

const UNREACHABLE: ServiceHealth = { status: 'down', database: 'down' };

/**
 * Terminus's indicator for one app behind the gateway: up when the app answers its health check
 * within {@link CHECK_TIMEOUT_MS} and says it is up (its database reachable, not draining). The
 * app's own answer (`database`, `dependencies`) goes along as the indicator's details.
 */
@Injectable()
export class AppHealthIndicator {
  constructor(private readonly indicator: HealthIndicatorService) {}

  async pingCheck(service: ServiceClient) {
    const check = this.indicator.check(service.name);
    const { status, ...details } = await service
      .send<ServiceHealth>(HEALTH_CHECK, {}, CHECK_TIMEOUT_MS)
      .catch(() => UNREACHABLE);
    return status === 'up' ? check.up(details) : check.down(details);
  }
}
