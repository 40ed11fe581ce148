import type { DomainEvent } from '@shop/contracts';
import { createTestDatabase } from '@shop/testing';
import { sql, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../database/database';
import { type DatabaseHandle, openDatabase } from '../database/database';
import { rowsOf } from '../polling/lease-due-rows';
import { ProcessedMarkBatcher } from './processed-mark.batcher';

describe('ProcessedMarkBatcher on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let migrationsFolder: string;
  let handle: DatabaseHandle<Record<string, never>>;
  let statements: number;
  let batcher: ProcessedMarkBatcher;

  beforeAll(async () => {
    database = await createTestDatabase('marks');
    migrationsFolder = mkdtempSync(join(tmpdir(), 'migrations-'));
    mkdirSync(join(migrationsFolder, 'meta'));
    writeFileSync(join(migrationsFolder, 'meta/_journal.json'), JSON.stringify({ version: '7', entries: [] }));
    handle = await openDatabase({ url: database.url, dataDir: 'unused', schema: {}, migrationsFolder });
    await handle.db.execute(sql`
      create table processed_events (event_id uuid primary key, type text not null, processed_at timestamptz not null default now());
      create table messages (event_id uuid not null unique, body text not null)`);
  });

  beforeEach(() => {
    statements = 0;
    // The real database, its statements counted.
    const counted = { execute: (query: SQL) => (statements++, handle.db.execute(query)) };
    batcher = new ProcessedMarkBatcher(counted as unknown as Database<Record<string, unknown>>);
  });

  afterAll(async () => {
    await handle?.close();
    await database?.drop();
    rmSync(migrationsFolder, { recursive: true, force: true });
  });

  const event = (id = randomUUID()) => ({ id, type: 'order.placed' }) as DomainEvent;
  /** What a handler returns: one message per first delivery, taken from `fresh`. */
  const deliver = (e: DomainEvent, body: string | null = 'hello') => {
    const fresh = batcher.fresh();
    return batcher.commit(e, fresh, sql`insert into messages (event_id, body) select event_id, ${body} from ${fresh}`);
  };
  const messages = async (ids: string[]) =>
    rowsOf<{ event_id: string }>(
      await handle.db.execute(
        sql`select event_id from messages where event_id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) order by event_id`,
      ),
    ).map((row) => row.event_id);

  it('commits events arriving together in one statement, each write with its mark', async () => {
    const events = Array.from({ length: 5 }, () => event());
    expect(await Promise.all(events.map((e) => deliver(e)))).toEqual([true, true, true, true, true]);
    expect(statements).toBe(1);
    expect(await messages(events.map((e) => e.id))).toEqual(events.map((e) => e.id).sort());
  });

  it('answers a redelivery, in the same batch or later, as a duplicate and writes nothing for it', async () => {
    const e = event();
    expect(await Promise.all([deliver(e), deliver({ ...e, id: e.id.toUpperCase() }), deliver(e)])).toEqual([
      true,
      false,
      false,
    ]);
    expect(await deliver(e)).toBe(false);
    expect(await messages([e.id])).toEqual([e.id]);
  });

  it('fails only the event whose write fails, and marks nothing for it', async () => {
    const [good, bad, other] = [event(), event(), event()];
    const outcomes = await Promise.allSettled([deliver(good), deliver(bad, null), deliver(other)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await messages([good.id, bad.id, other.id])).toEqual([good.id, other.id].sort());
    const marked = rowsOf(
      await handle.db.execute(sql`select 1 from processed_events where event_id = ${bad.id}::uuid`),
    );
    expect(marked).toEqual([]);
    // Redelivered once its write can succeed, it is handled.
    expect(await deliver(bad)).toBe(true);
  });
});
