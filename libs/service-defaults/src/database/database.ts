import { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { mkdirSync } from 'node:fs';
import { Client, type ClientConfig, Pool } from 'pg';
import { observePool } from '../metrics/database-pool.metrics';

export type Database<TSchema extends Record<string, unknown> = Record<string, never>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

export interface DatabaseOptions<TSchema extends Record<string, unknown>> {
  /** A PostgreSQL URL; without one the app runs on embedded PGlite under `dataDir`. */
  url?: string;
  dataDir: string;
  schema: TSchema;
  migrationsFolder: string;
  poolMax?: number;
}

export interface DatabaseHandle<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  kind: 'postgres' | 'pglite';
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Longer than any transaction here stays idle between statements (none waits on another app). */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

/** Reaching the server: a host that is down or unreachable fails a request in seconds. */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Waiting for a pooled connection while all are busy is back-pressure, not failure: under load
 * (many buyers of one product queue on its row lock, each holding a connection) the wait grows
 * with the queue, and a bound as short as the connect timeout turned the last few of a burst into
 * 500s. Callers bound the request with their own deadlines; this only keeps a wait from being endless.
 */
const POOL_WAIT_MS = 60_000;

/** A connection whose connect has its own bound, shorter than the pool's wait for a free one. */
class BoundedConnectClient extends Client {
  constructor(config?: string | ClientConfig) {
    super({
      ...(typeof config === 'string' ? { connectionString: config } : config),
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
  }
}

/** Any constant works: each app has its own database, so its replicas contend only with each other. */
const MIGRATION_LOCK = 727_001;

export async function openDatabase<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  return options.url ? openPostgres(options) : openPglite(options);
}

async function openPostgres<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    Client: BoundedConnectClient,
    connectionTimeoutMillis: POOL_WAIT_MS,
    // A stuck query must not hold a pooled connection, and with it a request, for ever.
    statement_timeout: 15_000,
    // Nor a stuck process: an instance frozen or cut off inside a transaction keeps its row locks
    // (a product's stock row, say) and stalls every buyer of that product until the server ends it.
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  // An idle pooled connection that the server cuts (restart, failover, pg_terminate_backend) is
  // reported here; pg drops it and opens another when needed. Without a listener, Node would
  // throw the event and kill the app over a connection no request was using.
  pool.on('error', (error) => new Logger('Database').warn(`Lost an idle database connection: ${error.message}`));
  const db = drizzlePg({ client: pool, schema: options.schema });

  // Replicas starting together queue on a session lock; the first applies, the rest find nothing to do.
  // Lock and migrations share one session, free of statement_timeout: waiting for another replica's
  // migrations, or building an index on a large table, may take longer than any query should.
  try {
    const lock = await pool.connect();
    try {
      await lock.query('SET statement_timeout = 0');
      await lock.query('SET idle_in_transaction_session_timeout = 0');
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migratePg(drizzlePg({ client: lock }), { migrationsFolder: options.migrationsFolder });
    } finally {
      // Destroying the connection ends its session, and the session lock with it.
      lock.release(true);
    }
  } catch (error) {
    await pool.end();
    throw error;
  }

  const unobserve = observePool(pool);
  return {
    db,
    kind: 'postgres',
    ping: async () => void (await db.execute(sql`select 1`)),
    close: () => {
      unobserve();
      return pool.end();
    },
  };
}

async function openPglite<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  // PGlite creates its own folder but not the ones above it: on a fresh clone `.data` is missing.
  // `memory://` (tests) is no folder at all.
  if (!options.dataDir.startsWith('memory://')) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite(options.dataDir);
  const db = drizzlePglite({ client, schema: options.schema });
  await migratePglite(db, { migrationsFolder: options.migrationsFolder });
  return {
    db: db as unknown as Database<TSchema>,
    kind: 'pglite',
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

/** The handle a `db.transaction(async (tx) => …)` callback receives. */
export type Transaction<TSchema extends Record<string, unknown>> = Parameters<
  Parameters<Database<TSchema>['transaction']>[0]
>[0];
