import type { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import type { Database } from './database';

/** Runs the statement with these positional values ($1, $2, …) and resolves to its rows. */
export type PreparedStatement<Row> = (values: unknown[]) => Promise<Row[]>;

/**
 * A statement of fixed text, for a hot path: PostgreSQL parses and plans it once per pooled
 * connection (a named statement), and nothing builds its SQL per call, which with Drizzle's
 * builders was a large part of a small statement's cost. It runs outside any transaction, so it
 * is one atomic statement on its own. Values are passed as the driver takes them: a jsonb
 * parameter as a JSON string.
 */
export function preparedStatement<Row, TSchema extends Record<string, unknown> = Record<string, unknown>>(
  db: Database<TSchema>,
  name: string,
  text: string,
): PreparedStatement<Row> {
  const client = (db as unknown as { $client: Pool | PGlite }).$client;
  if (client instanceof Pool) return async (values) => (await client.query({ name, text, values })).rows as Row[];
  // Embedded PGlite (development without PostgreSQL) has no named statements; the text is the same.
  return async (values) => (await client.query<Row>(text, values)).rows;
}
