import { Controller, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UnknownElementException } from '@nestjs/core/errors/exceptions/unknown-element.exception';
import { HealthCheckService } from '@nestjs/terminus';
import { healthCheck, type ServiceHealth } from '@shop/contracts';
import { lifecycle } from '../lifecycle';
import { Handles } from '../rpc/handles.decorator';
import { DatabaseHealthIndicator } from './database.health';
import { HEALTH_DEPENDENCIES, type HealthDependency } from './health-dependencies';
import { resultOfFailedCheck } from './health-check-result';

/**
 * Readiness of a TCP app: it answers, and Terminus's check of its database passes (see
 * {@link DatabaseHealthIndicator}). The {@link HEALTH_DEPENDENCIES} the app registered are
 * reported alongside, for information only.
 */
@Controller()
export class HealthController implements OnModuleInit {
  private dependencies: HealthDependency[] = [];

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    // Looked up app-wide rather than injected: the app's own modules provide them, and this
    // shared controller's module cannot import those. Every provider is built by now.
    try {
      this.dependencies = this.moduleRef
        .get<HealthDependency[]>(HEALTH_DEPENDENCIES, { strict: false, each: true })
        .flat();
    } catch (error) {
      // None registered: Nest throws rather than answering an empty list.
      if (!(error instanceof UnknownElementException)) throw error;
    }
  }

  @Handles(healthCheck)
  async check(): Promise<ServiceHealth> {
    const result = await this.health.check([() => this.database.pingCheck('database')]).catch(resultOfFailedCheck);
    const database = result.details.database?.status === 'up' ? 'up' : 'down';
    // A draining instance still answers, but asks to be taken out of rotation.
    const health: ServiceHealth = { status: lifecycle.draining ? 'down' : database, database };
    if (this.dependencies.length === 0) return health;
    return { ...health, dependencies: Object.fromEntries(this.dependencies.map((d) => [d.name, d.status()])) };
  }
}
