import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import { Client, Pool } from 'pg';
import type { Database, Transaction } from './database';

/**
 * Runs the statement with these positional values ($1, $2, …) and resolves to its rows: on its
 * own, or inside `tx` (a `db.transaction` callback's handle), on that transaction's connection.
 */
export type PreparedStatement<Row> = (values: unknown[], tx?: InTransaction) => Promise<Row[]>;

/** Any app's {@link Transaction} will do, whatever its schema. */
type InTransaction = { readonly _: { readonly session: object } };

/** What Drizzle's session runs its statements on: the pool, a transaction's pooled connection, or PGlite. */
type Connection = Pool | Client | PGlite | PGliteTransaction;

/**
 * A statement of fixed text, for a hot path: PostgreSQL parses and plans it once per pooled
 * connection (a named statement), and nothing builds its SQL per call, which with Drizzle's
 * builders was a large part of a small statement's cost. Without a transaction it is one atomic
 * statement on its own; with one, a statement of that transaction like any other. Values are
 * passed as the driver takes them: a jsonb parameter as a JSON string, an array as a JS array.
 */
export function preparedStatement<Row, TSchema extends Record<string, unknown> = Record<string, unknown>>(
  db: Database<TSchema>,
  name: string,
  text: string,
): PreparedStatement<Row> {
  return async (values, tx) => {
    // Drizzle keeps the connection on its session, the transaction's own for a transaction.
    const connection = ((tx ?? db)._.session as unknown as { client: Connection }).client;
    if (connection instanceof Pool || connection instanceof Client) {
      return (await connection.query({ name, text, values })).rows as Row[];
    }
    // Embedded PGlite (development without PostgreSQL) has no named statements; the text is the same.
    return (await connection.query<Row>(text, values)).rows;
  };
}
