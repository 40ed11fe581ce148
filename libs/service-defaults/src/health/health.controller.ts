import { Controller, Inject, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UnknownElementException } from '@nestjs/core/errors/exceptions/unknown-element.exception';
import { healthCheck, type ServiceHealth } from '@shop/contracts';
import { DATABASE_HANDLE } from '../database/database.module';
import { lifecycle } from '../lifecycle';
import { Handles } from '../rpc/handles.decorator';
import type { DatabaseHandle } from '../database/database';
import { HEALTH_DEPENDENCIES, type HealthDependency } from './health-dependencies';

const PING_TIMEOUT_MS = 2_000;

/**
 * Readiness of a TCP app: it answers, and its database answers within {@link PING_TIMEOUT_MS}.
 * The {@link HEALTH_DEPENDENCIES} the app registered are reported alongside, for information only.
 */
@Controller()
export class HealthController implements OnModuleInit {
  private dependencies: HealthDependency[] = [];

  constructor(
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle<Record<string, unknown>>,
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
    const database = await withTimeout(this.database.ping(), PING_TIMEOUT_MS).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    // A draining instance still answers, but asks to be taken out of rotation.
    const health: ServiceHealth = { status: lifecycle.draining ? 'down' : database, database };
    if (this.dependencies.length === 0) return health;
    return { ...health, dependencies: Object.fromEntries(this.dependencies.map((d) => [d.name, d.status()])) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
