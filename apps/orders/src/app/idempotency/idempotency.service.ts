import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@shop/contracts';
import { AppError, type ErrorPayload } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { olderThan } from '../db/older-than';
import { idempotencyKeys, type OrdersSchema } from '../db/schema';

/** Keys are answered for at least this long. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** How long a repeat waits for the first request with its key to finish before giving up with 409. */
const WAIT_FOR_FIRST_MS = 20_000;
const POLL_MS = 25;
/** Refusals that only say "not now": kept as the key's answer, a retry could never get the real one. */
const TRY_AGAIN_LATER: ReadonlySet<string> = new Set([ErrorCode.PaymentInProgress]);

/**
 * Runs an operation at most once per (user, Idempotency-Key). The first request claims the key
 * with an insert; repeats, concurrent or later, wait for its outcome and get the same response
 * or the same error. A repeat with another body (or for another operation) is 422.
 */
@Injectable()
export class IdempotencyService {
  constructor(@Inject(DATABASE) private readonly db: Database<OrdersSchema>) {}

  async run<T>(userId: string, key: string | undefined, request: unknown, work: () => Promise<T>): Promise<T> {
    if (key === undefined) return work();
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const [claimed] = await this.db
        .insert(idempotencyKeys)
        .values({ userId, key, requestHash })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed) return this.complete(userId, key, work);

      const existing = await this.db.query.idempotencyKeys.findFirst({
        where: and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)),
      });
      // Gone: the first attempt failed in a way worth retrying and gave the key back.
      if (!existing) continue;
      if (existing.requestHash !== requestHash) {
        throw new AppError(
          422,
          ErrorCode.IdempotencyKeyReused,
          'This Idempotency-Key was already used for another request',
        );
      }
      if (existing.error) throw AppError.fromPayload(existing.error as ErrorPayload);
      if (existing.response !== null) return existing.response as T;
      if (Date.now() > deadline) {
        throw new AppError(
          409,
          ErrorCode.IdempotencyKeyInUse,
          'A request with this Idempotency-Key is still in progress; retry later',
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** Forgets expired keys, and claims whose request died before it finished (so a retry can run). */
  async purge(stuckAfterSeconds: number): Promise<void> {
    await this.db
      .delete(idempotencyKeys)
      .where(
        or(
          lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`),
          and(
            isNull(idempotencyKeys.response),
            isNull(idempotencyKeys.error),
            olderThan(idempotencyKeys.createdAt, stuckAfterSeconds),
          ),
        ),
      );
  }

  private async complete<T>(userId: string, key: string, work: () => Promise<T>): Promise<T> {
    const row = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
    let result: T;
    try {
      result = await work();
    } catch (error) {
      // A client error is the answer to this request and is kept; anything else (the catalog
      // down, a timeout, another payment still in progress) may go otherwise on retry, so the
      // key is given back.
      if (error instanceof AppError && error.status < 500 && !TRY_AGAIN_LATER.has(error.code)) {
        await this.db.update(idempotencyKeys).set({ error: error.toPayload() }).where(row);
      } else {
        await this.db.delete(idempotencyKeys).where(row);
      }
      throw error;
    }
    await this.db
      .update(idempotencyKeys)
      .set({ response: result as object })
      .where(row);
    return result;
  }
}
