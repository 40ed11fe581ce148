import { Inject, Injectable } from '@nestjs/common';
import type { CatalogChangesDto } from '@shop/contracts';
import { DATABASE, type Database, rowsOf } from '@shop/service-defaults';
import { sql } from 'drizzle-orm';
import type { CatalogSchema } from '../db/schema';

/** Past this many, the answer says "everything" rather than listing them. */
const MAX_IDS = 1_000;

/**
 * A transaction stamps its rows with its start (`now()`), and PostgreSQL records that start in
 * pg_stat_activity a moment after taking it: this much is kept back from the watermark, so a
 * transaction caught in that moment is still inside the next window.
 */
const START_REPORT_MARGIN_MS = 100;

/**
 * The catalog's change feed: every write to a product (edits, stock moves, soft deletes, a
 * category renamed under it) bumps its `updated_at` to its transaction's start, so the products
 * stamped in a window are exactly the ones changed in it — once no transaction that started
 * before the window's end can still commit. The watermark is therefore held back to the oldest
 * transaction still open in the catalog's database: a write that waits long on a lock is reported
 * late, never lost.
 */
@Injectable()
export class CatalogChangesService {
  constructor(@Inject(DATABASE) private readonly db: Database<CatalogSchema>) {}

  async since(since: string | undefined): Promise<CatalogChangesDto> {
    // A statement of its own, before the reads below: their snapshot then holds every transaction
    // that started before the watermark (it had ended when this one looked).
    const [mark] = rowsOf<{ until: string; lag_ms: number }>(
      await this.db.execute(sql`
        SELECT w.until::text AS until, (extract(epoch FROM clock_timestamp() - w.until) * 1000)::float8 AS lag_ms
        FROM (
          SELECT least(
            now() - make_interval(secs => ${START_REPORT_MARGIN_MS / 1000}),
            (SELECT min(xact_start) FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL)
          ) AS until
        ) w`),
    );
    // The first call only sets the cursor: its window is empty.
    const from = since ?? mark.until;
    const window = (column: string) =>
      sql`${sql.raw(column)} >= ${from}::timestamptz AND ${sql.raw(column)} < ${mark.until}::timestamptz`;
    const [products, [categories]] = await Promise.all(
      [
        this.db.execute(sql`SELECT id FROM products WHERE ${window('updated_at')} LIMIT ${MAX_IDS + 1}`),
        this.db.execute(sql`
        SELECT count(*)::int AS count, coalesce(bool_or(${window('updated_at')}), false) AS changed FROM categories`),
      ].map(async (query) => rowsOf<Record<string, unknown>>(await query)),
    );
    return {
      until: mark.until,
      lagMs: Math.ceil(mark.lag_ms),
      productIds: products.slice(0, MAX_IDS).map((row) => row.id as string),
      truncated: products.length > MAX_IDS,
      categoriesChanged: categories.changed as boolean,
      categoryCount: categories.count as number,
    };
  }
}
