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
const TRY_AGAIN_LATER: ReadonlySet<string> = new Set([ErrorCode.PaymentInProgress, ErrorCode.IdempotencyKeyInUse]);

/** Thrown by `KeyClaim.take` when another request holds the key: the run then waits for its answer. */
class KeyTaken extends Error {}

/**
 * The (user, Idempotency-Key) of one request, for work that claims it in its own first
 * transaction and answers it in its last, so keeping the promise adds no commit of its own.
 */
export class KeyClaim {
  taken = false;
  answered = false;

  constructor(
    readonly userId: string,
    readonly key: string,
    readonly requestHash: string,
  ) {}

  /** The claiming statement: it returns the key's row only if it was free. */
  insert(db: Database<OrdersSchema>) {
    return db
      .insert(idempotencyKeys)
      .values({ userId: this.userId, key: this.key, requestHash: this.requestHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
  }

  /** Claims the key in `db` (a transaction of the work's); another request holds it: the work stops here. */
  async take(db: Database<OrdersSchema>): Promise<void> {
    this.settleClaim((await this.insert(db)).length > 0);
  }

  /**
   * Records whether the work's own statement claimed the key (it inserted the key's row with
   * `ON CONFLICT DO NOTHING`, as `insert` does, and wrote its own only if that returned the row).
   */
  settleClaim(won: boolean): void {
    if (!won) throw new KeyTaken(`Idempotency-Key ${this.key} is taken`);
    this.taken = true;
  }

  /** Records that the work kept its response in the key's row, in the statement or transaction that committed its result. */
  settleAnswer(): void {
    this.answered = true;
  }

  row() {
    return and(eq(idempotencyKeys.userId, this.userId), eq(idempotencyKeys.key, this.key));
  }
}

/**
 * Runs an operation at most once per (user, Idempotency-Key). The first request claims the key
 * with an insert; repeats, concurrent or later, wait for its outcome and get the same response
 * or the same error. A repeat with another body (or for another operation) is 422.
 */
@Injectable()
export class IdempotencyService {
  constructor(@Inject(DATABASE) private readonly db: Database<OrdersSchema>) {}

  /** Claims the key before `work` starts, and keeps its outcome once it ends. */
  run<T>(userId: string, key: string | undefined, request: unknown, work: () => Promise<T>): Promise<T> {
    return this.runClaiming(userId, key, request, async (claim) => {
      await claim?.take(this.db);
      return work();
    });
  }

  /**
   * As `run`, but `work` claims the key itself (`KeyClaim.take`, or a statement of its own and
   * `settleClaim`) in its first transaction, and may answer it (`settleAnswer`) in its last; whatever it did not do is
   * done here. An outcome reached before the claim (a bad request) is kept too, unless another
   * request with the key answered first, whose answer is then given.
   */
  async runClaiming<T>(
    userId: string,
    key: string | undefined,
    request: unknown,
    work: (claim: KeyClaim | undefined) => Promise<T>,
  ): Promise<T> {
    if (key === undefined) return work(undefined);
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claim = new KeyClaim(userId, key, requestHash);
      let result: T;
      try {
        result = await work(claim);
      } catch (error) {
        if (!(error instanceof KeyTaken) && (await this.keepError(claim, error))) throw error;
        const first = await this.firstAnswer<T>(claim, deadline);
        if (first) return first.response;
        // Gone: the first attempt failed in a way worth retrying and gave the key back.
        continue;
      }
      if (claim.answered) return result;
      if (claim.taken) {
        await this.db
          .update(idempotencyKeys)
          .set({ response: result as object })
          .where(claim.row());
        return result;
      }
      if (await this.keepFirst(claim, { response: result as object })) return result;
      const first = await this.firstAnswer<T>(claim, deadline);
      if (first) return first.response;
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

  /**
   * Keeps a failed request's error as its key's answer, or gives the key back. False when the work
   * failed before claiming and another request with the key answered first.
   */
  private async keepError(claim: KeyClaim, error: unknown): Promise<boolean> {
    // A client error is the answer to this request and is kept; anything else (the catalog
    // down, a timeout, another payment still in progress) may go otherwise on retry, so the
    // key is given back.
    const kept = error instanceof AppError && error.status < 500 && !TRY_AGAIN_LATER.has(error.code);
    if (!claim.taken) return kept ? this.keepFirst(claim, { error: error.toPayload() }) : true;
    if (kept) await this.db.update(idempotencyKeys).set({ error: error.toPayload() }).where(claim.row());
    else await this.db.delete(idempotencyKeys).where(claim.row());
    return true;
  }

  /** Claims the key with its answer already in it; false if another request holds it. */
  private async keepFirst(claim: KeyClaim, answer: { response: object } | { error: object }): Promise<boolean> {
    const [kept] = await this.db
      .insert(idempotencyKeys)
      .values({ userId: claim.userId, key: claim.key, requestHash: claim.requestHash, ...answer })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    return kept !== undefined;
  }

  /**
   * The answer of the request holding the key, once it has one (its error is thrown); undefined
   * if the key was given back meanwhile. 422 for another request's key, 409 if it takes too long.
   */
  private async firstAnswer<T>(claim: KeyClaim, deadline: number): Promise<{ response: T } | undefined> {
    for (;;) {
      const existing = await this.db.query.idempotencyKeys.findFirst({ where: claim.row() });
      if (!existing) return undefined;
      if (existing.requestHash !== claim.requestHash) {
        throw new AppError(
          422,
          ErrorCode.IdempotencyKeyReused,
          'This Idempotency-Key was already used for another request',
        );
      }
      if (existing.error) throw AppError.fromPayload(existing.error as ErrorPayload);
      if (existing.response !== null) return { response: existing.response as T };
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
}
