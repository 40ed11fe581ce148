import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../database/database';

/** node-postgres returns `{ rows }`, PGlite too; both through drizzle's `execute`. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Exponential, capped: 1×, 2×, 4×, … the base, never more than `capMs`. */
export const backoffMs = (attempt: number, baseMs: number, capMs = 60_000) =>
  Math.min(baseMs * 2 ** Math.max(0, attempt - 1), capMs);

/**
 * Takes one round's work from a table of jobs (its rows have a `locked_until` lease): up to
 * `batch` rows that are `due` and not leased, leased for `leaseSeconds` with `FOR UPDATE SKIP
 * LOCKED`, so replicas share the table and never hold one row at once. A worker that dies holding
 * rows frees them when the lease runs out. `due`, `order` and `returning` speak of the row as
 * `candidate`; `set` adds assignments to the lease.
 */
export async function leaseDueRows<T, TSchema extends Record<string, unknown>>(
  db: Database<TSchema>,
  job: {
    table: string;
    key: string;
    due: SQL;
    order: SQL;
    batch: number;
    leaseSeconds: number;
    set?: SQL;
    returning: SQL;
  },
): Promise<T[]> {
  const table = sql.identifier(job.table);
  const key = sql.identifier(job.key);
  const result = await db.execute(sql`
    UPDATE ${table} AS candidate
    SET locked_until = now() + make_interval(secs => ${job.leaseSeconds})${job.set ? sql`, ${job.set}` : sql``}
    WHERE candidate.${key} IN (
      SELECT candidate.${key} FROM ${table} candidate
      WHERE ${job.due} AND (candidate.locked_until IS NULL OR candidate.locked_until < now())
      ORDER BY ${job.order} LIMIT ${job.batch}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING ${job.returning}`);
  return rowsOf<T>(result);
}
