import { type Column, lt, type SQL, sql } from 'drizzle-orm';

/** The rows whose timestamp `column` lies more than `seconds` in the past, by the database's clock. */
export function olderThan(column: Column, seconds: number): SQL {
  return lt(column, sql`now() - make_interval(secs => ${seconds})`);
}
