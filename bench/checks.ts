/**
 * What the bench checks in the databases themselves: after a checkout scenario, no unit sold
 * twice and no order lost; and over the whole run, that the commits the apps counted are the
 * commits PostgreSQL counted (pg_stat_database), which vouches for the per-request figures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { TEST_DATABASE_URL, type TestSystem } from '@shop/testing';
import type { Measured } from './drive';

async function rows<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface OrderCheck {
  initialUnits: number;
  unitsLeft: number;
  /** Units in orders that hold or took stock (not cancelled). */
  unitsInOrders: number;
  /** Answers 201, and the distinct orders they named. */
  created: number;
  distinctCreated: number;
  /** 201s whose order is not in the orders database. */
  lost: number;
  /** Orders in the database that no 201 named; allowed only for requests that got no answer (socket errors, or still in flight when the load stopped). */
  withoutAnswer: number;
  noAnswer: number;
  ok: boolean;
}

export async function checkOrders(
  system: TestSystem,
  stock: { products: string[]; units: number },
  measured: Measured,
): Promise<OrderCheck> {
  const [{ left }] = await rows<{ left: string }>(
    system.databaseUrl('catalog'),
    'select coalesce(sum(stock), 0) as left from products where id = any($1)',
    [stock.products],
  );
  const orders = await rows<{ id: string; status: string; units: string }>(
    system.databaseUrl('orders'),
    `select o.id, o.status, sum(i.quantity) as units from orders o join order_items i on i.order_id = o.id
     where i.product_id = any($1) group by o.id, o.status`,
    [stock.products],
  );
  const inDatabase = new Set(orders.map((order) => order.id));
  const created = new Set(measured.createdIds);
  const initialUnits = stock.products.length * stock.units;
  const unitsInOrders = orders.filter((o) => o.status !== 'cancelled').reduce((sum, o) => sum + Number(o.units), 0);
  const lost = [...created].filter((id) => !inDatabase.has(id)).length;
  const withoutAnswer = orders.filter((order) => !created.has(order.id)).length;
  return {
    initialUnits,
    unitsLeft: Number(left),
    unitsInOrders,
    created: measured.createdIds.length,
    distinctCreated: created.size,
    lost,
    withoutAnswer,
    noAnswer: measured.sent - measured.requests,
    ok:
      Number(left) >= 0 &&
      Number(left) + unitsInOrders === initialUnits &&
      lost === 0 &&
      created.size === measured.createdIds.length &&
      withoutAnswer <= measured.sent - measured.requests,
  };
}

/** Transactions committed so far in each app's database, as PostgreSQL counts them. */
export async function commitsOnServer<App extends string>(urls: Record<App, string>): Promise<Record<App, number>> {
  const names = Object.fromEntries(
    Object.entries(urls).map(([app, url]) => [new URL(url as string).pathname.slice(1), app]),
  );
  const found = await rows<{ datname: string; xact_commit: string }>(
    // Asked from the server's admin database, so the question is not one of the commits counted.
    TEST_DATABASE_URL,
    'select datname, xact_commit from pg_stat_database where datname = any($1)',
    [Object.keys(names)],
  );
  return Object.fromEntries(found.map((row) => [names[row.datname], Number(row.xact_commit)])) as Record<App, number>;
}

/** What is left to do for the events written so far: unsent outbox rows, and messages still queued. */
const PENDING: Record<string, string> = {
  outbox: 'select count(*)::int as n from outbox where published_at is null and dead_at is null',
  notifications: "select count(*)::int as n from notifications where status = 'queued'",
};

/**
 * Waits until every event written so far is handled and every message it queued is sent. The
 * seeding's events (its orders' emails, say) are otherwise still being worked off while the bench
 * measures what the apps do when idle, and that work would be taken off every request's figures.
 */
export async function waitForEvents(urls: Record<string, string>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let pending = 0;
    for (const url of Object.values(urls)) {
      const tables = await rows<{ relname: string }>(
        url,
        "select relname from pg_class where relkind = 'r' and relname = any($1) and pg_table_is_visible(oid)",
        [Object.keys(PENDING)],
      );
      for (const { relname } of tables) pending += (await rows<{ n: number }>(url, PENDING[relname]))[0].n;
    }
    if (pending === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${pending} events or messages still pending after ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}
