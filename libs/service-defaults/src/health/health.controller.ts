import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { HEALTH_CHECK, type ServiceHealth } from '@shop/contracts';
import { DATABASE_HANDLE } from '../database/database.module';
import { lifecycle } from '../lifecycle';
import type { DatabaseHandle } from '../database/database';

const PING_TIMEOUT_MS = 2_000;

/** Readiness of a TCP app: it answers, and its database answers within {@link PING_TIMEOUT_MS}. */
@Controller()
export class HealthController {
  constructor(@Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  @MessagePattern(HEALTH_CHECK)
  async check(): Promise<ServiceHealth> {
    const database = await withTimeout(this.database.ping(), PING_TIMEOUT_MS).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    // A draining instance still answers, but asks to be taken out of rotation.
    return { status: lifecycle.draining ? 'down' : database, database };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
