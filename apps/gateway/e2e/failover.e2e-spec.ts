import {
  ADMIN_ENV,
  type LoadSample,
  runLoadInAnotherProcess,
  seedLoadTarget,
  TestSystem,
  waitFor,
} from '@shop/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '../../..');
/** At most: the test stops the load once it has seen enough before and after the kill. */
const LOAD_MS = 60_000;
const CONCURRENCY = 8;
/** How long after the kill failures may still show: calls in flight on the dead instances. */
const FAILOVER_WINDOW_MS = 3_000;
const START_STOCK = 100_000;
const KILLED = ['auth-2', 'catalog-2', 'orders-2'];
/** The processes that outlive the test and call other apps: their logs say where each call failed. */
const CALLERS = ['gateway', 'orders'];

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
});
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

/**
 * The killed instance a failed request's call failed on, from the logs of the processes that
 * made the call: every failed try is logged with the instance and the request id the load sent.
 */
function killedInstanceBehind(sample: LoadSample): string | undefined {
  const killedByAddress = new Map(KILLED.map((id) => [`127.0.0.1:${system.instancePort(id)}`, id]));
  for (const caller of CALLERS) {
    for (const entry of system.logEntries(caller)) {
      const address = entry.requestId === sample.requestId && / on (\S+)/.exec(entry.msg)?.[1];
      if (address && killedByAddress.has(address)) return killedByAddress.get(address);
    }
  }
  return undefined;
}

it('keeps serving through kill -9 of one instance of every app, fails only calls in flight on them, and loses no order or stock', async () => {
  const shop = await seedLoadTarget(system, START_STOCK);
  const load = runLoadInAnotherProcess({
    ...shop,
    baseUrl: system.baseUrl,
    durationMs: LOAD_MS,
    concurrency: CONCURRENCY,
  });
  await load.until('the load to be under way', (samples) => samples.length >= 200);
  const killedAt = Date.now();
  await Promise.all(KILLED.map((id) => system.stopApp(id, 'SIGKILL')));
  await load.until(
    'the load to go on well past the failover window',
    (samples) => samples.filter((s) => s.start > killedAt + FAILOVER_WINDOW_MS).length >= 200,
  );
  const samples = await load.stop();

  const failed = samples.filter((s) => s.status >= 500 || s.status === 0);
  const blamed = failed.map((s) => ({ ...s, on: killedInstanceBehind(s) }));
  const late = failed.filter((s) => s.start > killedAt + FAILOVER_WINDOW_MS || s.end < killedAt);
  const placed = samples.filter((s) => s.scenario === 'place order' && s.status === 201);
  const report = {
    requests: samples.length,
    perSecond: Math.round(
      (samples.length * 1000) / (Math.max(...samples.map((s) => s.end)) - Math.min(...samples.map((s) => s.start))),
    ),
    ordersPlaced: placed.length,
    failed: failed.length,
    failedBy: Object.fromEntries(
      [...new Set(blamed.map((s) => `${s.scenario} ${s.status} on ${s.on}`))].map((key) => [
        key,
        blamed.filter((s) => `${s.scenario} ${s.status} on ${s.on}` === key).length,
      ]),
    ),
    failedOutsideWindow: late.length,
    unexpectedStatuses: [...new Set(samples.map((s) => s.status))].filter(
      (s) => ![200, 201, 500, 502, 503, 504].includes(s),
    ),
  };
  console.log(`failover report: ${JSON.stringify(report)}`);
  writeFileSync(join(ROOT, 'tmp', 'failover-report.json'), JSON.stringify(report, null, 2));

  expect(samples.filter((s) => s.status === 0)).toEqual([]); // the gateway always answered
  expect(report.unexpectedStatuses).toEqual([]);
  expect(placed.length).toBeGreaterThan(0);
  // Every failure was a call that failed on a killed instance, during the failover window…
  expect(blamed.filter((s) => !s.on)).toEqual([]);
  expect(late).toEqual([]);
  // …and no more of them than could have been in flight there: each client has one request out.
  for (const id of KILLED) expect(blamed.filter((s) => s.on === id).length).toBeLessThanOrEqual(CONCURRENCY);

  // The recovery job undoes orders whose placing request died with orders-2.
  await waitFor('stuck orders to be undone', async () => {
    const stuck = await query('orders', `select 1 from orders where status in ('reserving', 'abandoned')`);
    return stuck.length === 0;
  });
  const orders = await query<{ id: string; status: string; idempotency_key: string }>(
    'orders',
    `select id, status, idempotency_key from orders`,
  );
  // Every order the clients were told about exists, unchanged…
  const stored = new Map(orders.map((order) => [order.id, order]));
  expect(placed.filter((s) => stored.get(s.orderId!)?.status !== 'pending')).toEqual([]);
  // …and any other was placed by a request that failed on the killed instance before answering
  // (its client may find it by retrying with the same Idempotency-Key).
  const toldAbout = new Set(placed.map((s) => s.orderId));
  const failedKeys = new Set(blamed.filter((s) => s.on === 'orders-2').map((s) => s.idempotencyKey));
  const untold = orders.filter((order) => !toldAbout.has(order.id));
  expect(untold.filter((order) => !failedKeys.has(order.idempotency_key))).toEqual([]);
  console.log(`failover orders: ${orders.length} stored, ${untold.length} placed by a request that then failed`);

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
});
