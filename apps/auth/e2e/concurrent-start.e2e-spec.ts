import { type AppProcess, createTestDatabase, startAppProcess, waitFor } from '@shop/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

// Replicas of an app starting at the same moment on a fresh database, as on a first deploy or a
// scale-up from zero: migrations run under an advisory lock and the admin upsert is one
// statement, so each must happen once however many start. Process start-up alone spreads them
// over seconds, so the test lines them up: it holds the schema drizzle's migrator creates first
// (uncommitted) until every replica waits on a lock, then lets them all go at once.
jest.setTimeout(180_000);

const REPLICAS = 3;
const databases: { drop(): Promise<void> }[] = [];
const apps: AppProcess[] = [];

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  await Promise.all(databases.map((database) => database.drop()));
});

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Starts `REPLICAS` instances of `app` together on a fresh database; resolves with that database's URL once all serve. */
async function startTogether(app: 'auth' | 'catalog', env: Record<string, string> = {}): Promise<string> {
  const database = await createTestDatabase(`concurrent_${app}`);
  databases.push(database);
  const barrier = await connect(database.url);
  // A transaction sees pg_stat_activity as it was at its first look: watch from another session.
  const observer = await connect(database.url);
  try {
    await barrier.query('BEGIN');
    await barrier.query('CREATE SCHEMA drizzle');
    const starting = Array.from({ length: REPLICAS }, async () => {
      const replica = await startAppProcess(app, {
        NODE_ENV: 'test',
        JWT_SECRET: 'x'.repeat(32),
        [`${app.toUpperCase()}_DATABASE_URL`]: database.url,
        ...env,
      });
      apps.push(replica);
      return replica;
    });
    for (const start of starting) start.catch(() => undefined);
    const name = new URL(database.url).pathname.slice(1);
    await waitFor(
      `all ${REPLICAS} replicas of ${app} waiting to migrate`,
      async () => {
        const { rows } = await observer.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [name],
        );
        return rows[0].waiting === REPLICAS;
      },
      120_000,
    );
    await barrier.query('ROLLBACK');
    await Promise.all(starting);
  } finally {
    await Promise.all([barrier.end(), observer.end()]);
  }
  return database.url;
}

/** The migrations an app ships, by the journal time drizzle records each under. */
function shippedMigrations(app: string): number[] {
  const file = join(__dirname, `../../${app}/src/app/db/migrations/meta/_journal.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: { when: number }[] }).entries.map((e) => e.when);
}

async function appliedMigrations(url: string): Promise<number[]> {
  const db = await connect(url);
  try {
    // drizzle's migrator keeps its ledger in the "drizzle" schema.
    const { rows } = await db.query('SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at');
    return rows.map((row) => Number(row.created_at));
  } finally {
    await db.end();
  }
}

describe('auth replicas starting together with a new ADMIN_EMAIL', () => {
  const admin = { ADMIN_EMAIL: `admin-${Date.now()}@shop.test`, ADMIN_PASSWORD: 'admin-password-1' };
  let url: string;
  beforeAll(async () => (url = await startTogether('auth', admin)));

  it('all start, each having seen to the admin account', () => {
    const replicas = apps.filter((app) => app.output().includes('"service":"auth"'));
    expect(replicas).toHaveLength(REPLICAS);
    for (const replica of replicas)
      expect(replica.output()).toContain(`Admin account ${admin.ADMIN_EMAIL} is in place`);
  });

  it('leave exactly one admin row', async () => {
    const db = await connect(url);
    try {
      expect((await db.query('SELECT email, role FROM users')).rows).toEqual([
        { email: admin.ADMIN_EMAIL, role: 'admin' },
      ]);
    } finally {
      await db.end();
    }
  });

  it('apply each migration once', async () => {
    expect(await appliedMigrations(url)).toEqual(shippedMigrations('auth'));
  });
});

describe('catalog replicas starting together', () => {
  it('all start and apply each of its migrations once', async () => {
    const url = await startTogether('catalog');
    expect(shippedMigrations('catalog').length).toBeGreaterThan(1);
    expect(await appliedMigrations(url)).toEqual(shippedMigrations('catalog'));
  });
});
