import { createTestDatabase } from '@shop/testing';
import { sql } from 'drizzle-orm';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseHandle, IDLE_IN_TRANSACTION_TIMEOUT_MS, openDatabase } from './database';

describe('openDatabase on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let migrationsFolder: string;
  let handle: DatabaseHandle<Record<string, never>>;

  beforeAll(async () => {
    database = await createTestDatabase('database');
    // No migrations of its own: this is about the sessions the pool opens, not any app's schema.
    migrationsFolder = mkdtempSync(join(tmpdir(), 'migrations-'));
    mkdirSync(join(migrationsFolder, 'meta'));
    writeFileSync(join(migrationsFolder, 'meta/_journal.json'), JSON.stringify({ version: '7', entries: [] }));
    handle = await openDatabase({ url: database.url, dataDir: 'unused', schema: {}, migrationsFolder });
  });

  afterAll(async () => {
    await handle?.close();
    await database?.drop();
    rmSync(migrationsFolder, { recursive: true, force: true });
  });

  const setting = async (name: string) => {
    const result = await handle.db.execute(sql`select current_setting(${name}) as setting`);
    return (result as unknown as { rows: { setting: string }[] }).rows[0].setting;
  };

  it('bounds every pooled session: queries and transactions left idle end on the server', async () => {
    expect(await setting('statement_timeout')).toBe('15s');
    expect(await setting('idle_in_transaction_session_timeout')).toBe(`${IDLE_IN_TRANSACTION_TIMEOUT_MS / 1000}s`);
  });

  it('lets a query wait for a busy pool longer than connecting may take, instead of failing it', async () => {
    // One connection, held past the 5 s connect bound: the second query queues behind it, as the
    // last buyers of a burst queue behind a product's row lock on a loaded machine.
    const single = await openDatabase({
      url: database.url,
      dataDir: 'unused',
      schema: {},
      migrationsFolder,
      poolMax: 1,
    });
    try {
      // drizzle runs a query when it is awaited: Promise.all starts both, the sleeper first.
      const [, waited] = await Promise.all([
        single.db.execute(sql`select pg_sleep(6)`),
        single.db.execute(sql`select 1 as one`),
      ]);
      expect((waited as unknown as { rows: { one: number }[] }).rows).toEqual([{ one: 1 }]);
    } finally {
      await single.close();
    }
  }, 30_000);
});
