import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { DatabaseHandle } from '../database/database';
import { DATABASE_HANDLE } from '../database/database.module';

/** A probe must get its answer before its own timeout (Kubernetes defaults to 1 s, ours is 3 s). */
const PING_TIMEOUT_MS = 2_000;

/**
 * Terminus's indicator for the app's own database (PostgreSQL or PGlite, through Drizzle, which
 * Terminus has no indicator of its own for): up while a ping answers within {@link PING_TIMEOUT_MS}.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async pingCheck<const Key extends string>(key: Key) {
    const check = this.indicator.check(key);
    try {
      await withTimeout(this.database.ping(), PING_TIMEOUT_MS);
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
