/**
 * PostgreSQL's own ceiling for checkout: pgbench placing orders on 5 hot products with ample
 * stock, 50 clients, `synchronous_commit` on, in a database of its own on the same server.
 * `single`: one transaction per order (insert the order, its item and its reservation, then
 * decrement the stock if enough is left). `saga`: the same writes in the three commits a
 * cross-database saga needs (the order and its item; the reservation and the stock; the order's
 * status), for reference.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase } from '@shop/testing';

const run = promisify(execFile);

const SCHEMA = `
  create table products (id int primary key, sku text not null, price int not null, stock int not null,
    version int not null default 1, updated_at timestamptz not null default now());
  insert into products (id, sku, price, stock) select i, 'HOT-' || i, 5000, 1000000000 from generate_series(1, 5) i;
  create table orders (id uuid primary key, user_id uuid not null, status text not null, total int not null,
    currency text, idempotency_key text, created_at timestamptz not null default now(),
    updated_at timestamptz not null default now());
  create unique index on orders (user_id, idempotency_key);
  create index on orders (user_id, created_at);
  create index on orders (status, created_at);
  create table order_items (order_id uuid not null references orders on delete cascade, product_id int not null,
    sku text not null, unit_price int not null, quantity int not null, line_total int not null,
    primary key (order_id, product_id));
  create table reservations (order_id uuid primary key, status text not null, created_at timestamptz not null default now());
  create table reservation_lines (order_id uuid not null references reservations on delete cascade,
    product_id int not null references products, quantity int not null, primary key (order_id, product_id));
`;

/** Per transaction: a random hot product, buyer and order id (pgbench has no uuids of its own). */
const PICK = `
\\set p random(1, 5)
\\set a random(1, 2147483647)
\\set b random(1, 2147483647)
\\set u random(1, 50)
`;
const ORDER = `insert into orders (id, user_id, status, total, currency, idempotency_key)
  values (md5(:a::text || '-' || :b::text)::uuid, md5(:u::text)::uuid, 'pending', 5000, 'USD', :a::text || '-' || :b::text);`;
const ITEM = `insert into order_items (order_id, product_id, sku, unit_price, quantity, line_total)
  values (md5(:a::text || '-' || :b::text)::uuid, :p, 'HOT', 5000, 1, 5000);`;
const RESERVATION = `insert into reservations (order_id, status) values (md5(:a::text || '-' || :b::text)::uuid, 'reserved');
insert into reservation_lines (order_id, product_id, quantity) values (md5(:a::text || '-' || :b::text)::uuid, :p, 1);`;
// Last, so the hot row stays locked for as short a time as the transaction allows.
const DECREMENT = `update products set stock = stock - 1, version = version + 1, updated_at = now() where id = :p and stock >= 1;`;

export const ORDER_SCRIPTS = {
  single: `${PICK}begin;\n${ORDER}\n${ITEM}\n${RESERVATION}\n${DECREMENT}\ncommit;\n`,
  saga: `${PICK}begin;\n${ORDER}\n${ITEM}\ncommit;\nbegin;\n${RESERVATION}\n${DECREMENT}\ncommit;\nupdate orders set status = 'confirmed', updated_at = now() where id = md5(:a::text || '-' || :b::text)::uuid;\n`,
};

export interface PgbenchResult {
  ordersPerSecond: number;
  latencyAverageMs: number;
  failed: number;
}

/** Whether pgbench is on the PATH (Debian: postgresql-client-<version>). */
export async function hasPgbench(): Promise<boolean> {
  return run('pgbench', ['--version']).then(
    () => true,
    () => false,
  );
}

export async function pgbenchOrders(
  clients: number,
  seconds: number,
): Promise<Record<keyof typeof ORDER_SCRIPTS, PgbenchResult>> {
  const database = await createTestDatabase('bench_pgbench');
  const dir = mkdtempSync(join(tmpdir(), 'bench-pgbench-'));
  try {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(SCHEMA);
      const { rows } = await client.query<{ synchronous_commit: string }>('show synchronous_commit');
      if (rows[0].synchronous_commit !== 'on')
        throw new Error(
          `synchronous_commit is ${rows[0].synchronous_commit}: the ceiling would not be PostgreSQL's durable one`,
        );
    } finally {
      await client.end();
    }
    const results = {} as Record<keyof typeof ORDER_SCRIPTS, PgbenchResult>;
    for (const [name, script] of Object.entries(ORDER_SCRIPTS) as [keyof typeof ORDER_SCRIPTS, string][]) {
      const file = join(dir, `${name}.sql`);
      writeFileSync(file, script);
      const { stdout } = await run(
        'pgbench',
        ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file, database.url],
        { maxBuffer: 16 << 20 },
      ).catch((error: { stderr?: string }) => {
        throw new Error(`pgbench (${name}) failed: ${String(error.stderr).slice(0, 500)}`);
      });
      results[name] = {
        ordersPerSecond: Math.round(Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? NaN)),
        latencyAverageMs: Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? NaN),
        failed: Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0),
      };
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}
