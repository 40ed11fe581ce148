import { ADMIN_ENV, runLoadInAnotherProcess, seedLoadTarget, TestSystem } from '@shop/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

const ROOT = join(__dirname, '../../..');
const LOAD_MS = 20_000;
const KILL_AT_MS = 8_000;
/** How long after the kill failures may still show: calls in flight on the dead instances. */
const FAILOVER_WINDOW_MS = 3_000;
const START_STOCK = 100_000;

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'failover',
    replicas: { auth: 2, catalog: 2, orders: 2 },
    env: {
      auth: ADMIN_ENV,
      orders: { RECOVERY_INTERVAL_MS: '1000', STUCK_ORDER_SECONDS: '3' },
      gateway: { THROTTLE_LIMIT: '1000000', AUTH_THROTTLE_LIMIT: '100000' },
    },
  });
}, 120_000);
afterAll(() => system?.stop());

async function query<T extends object>(app: 'catalog' | 'orders', sql: string): Promise<T[]> {
  const db = new Client({ connectionString: system.databaseUrl(app) });
  await db.connect();
  try {
    return (await db.query<T>(sql)).rows;
  } finally {
    await db.end();
  }
}

it('keeps serving through kill -9 of one instance of every app, and loses no stock', async () => {
  const shop = await seedLoadTarget(system, START_STOCK);
  const load = runLoadInAnotherProcess({ ...shop, baseUrl: system.baseUrl, durationMs: LOAD_MS, concurrency: 8 });
  await sleep(KILL_AT_MS);
  const killedAt = Date.now();
  await Promise.all(['auth-2', 'catalog-2', 'orders-2'].map((id) => system.stopApp(id, 'SIGKILL')));
  const samples = await load;

  const failed = samples.filter((s) => s.status >= 500 || s.status === 0);
  const late = failed.filter((s) => s.start > killedAt + FAILOVER_WINDOW_MS || s.end < killedAt);
  const report = {
    requests: samples.length,
    perSecond: Math.round(samples.length / (LOAD_MS / 1000)),
    ordersPlaced: samples.filter((s) => s.scenario === 'place order' && s.status === 201).length,
    failed: failed.length,
    failedByScenario: Object.fromEntries(
      [...new Set(failed.map((s) => s.scenario))].map((name) => [
        name,
        failed.filter((s) => s.scenario === name).length,
      ]),
    ),
    failedOutsideWindow: late.length,
    unexpectedStatuses: [...new Set(samples.map((s) => s.status))].filter(
      (s) => ![200, 201, 500, 502, 503, 504].includes(s),
    ),
  };
  console.log(`failover report: ${JSON.stringify(report)}`);
  writeFileSync(join(ROOT, 'tmp', 'failover-report.json'), JSON.stringify(report, null, 2));

  expect(samples.length).toBeGreaterThan(200);
  expect(samples.filter((s) => s.status === 0)).toEqual([]); // the gateway always answered
  expect(late).toEqual([]); // failures only for calls in flight on the killed instances
  expect(report.unexpectedStatuses).toEqual([]);
  expect(report.ordersPlaced).toBeGreaterThan(0);

  // Give the recovery job time to settle orders whose placing request died with orders-2.
  await sleep(6_000);
  const pending = await query<{ id: string; product_id: string; quantity: number }>(
    'orders',
    `select o.id, i.product_id, i.quantity from orders o join order_items i on i.order_id = o.id where o.status = 'pending'`,
  );
  const held = await query<{ order_id: string; product_id: string; quantity: number }>(
    'catalog',
    `select l.order_id, l.product_id, l.quantity from reservations r join reservation_lines l using (order_id) where r.status = 'reserved'`,
  );
  const key = (order: string, product: string, quantity: number) => `${order}/${product}/${quantity}`;
  // Nothing reserved for an order that does not exist, and no order without its stock.
  expect(new Set(held.map((h) => key(h.order_id, h.product_id, h.quantity)))).toEqual(
    new Set(pending.map((p) => key(p.id, p.product_id, p.quantity))),
  );
  const stock = await query<{ id: string; stock: number }>('catalog', `select id, stock from products`);
  for (const product of stock) {
    const reserved = held.filter((h) => h.product_id === product.id).reduce((sum, h) => sum + h.quantity, 0);
    expect(product.stock + reserved).toBe(START_STOCK);
  }
}, 90_000);
