import { IsOptional, Matches } from 'class-validator';

/** PostgreSQL's own timestamptz text, passed back untouched so no microsecond is lost on the way. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;

/** `catalog.changes`: what changed since the `until` of the previous answer. */
export class CatalogChangesRequest {
  /** Absent on the first call: the answer then only sets the cursor. */
  @IsOptional()
  @Matches(TIMESTAMP)
  since?: string;
}

/**
 * Every product written in [since, until), and whether any category was. `until` is a watermark:
 * every catalog transaction that could still commit a write stamped before it had ended when the
 * answer was made, so nothing before it can show up later. `lagMs` is how far `until` trails the
 * catalog's clock at that moment (a long transaction holds it back); a reader measures its own
 * freshness with it, with no clock shared between machines.
 */
export interface CatalogChangesDto {
  until: string;
  lagMs: number;
  /** Created, edited, stock moved or deleted; capped, see `truncated`. */
  productIds: string[];
  /** More products changed than the answer lists: treat every product as changed. */
  truncated: boolean;
  /** A category was created, edited or deleted (listings filter by category). */
  categoriesChanged: boolean;
  /** Lets a reader notice a category deleted outright, which leaves no row to stamp. */
  categoryCount: number;
}
