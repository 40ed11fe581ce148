import { ADMIN_ENV, runLoadInAnotherProcess, seedLoadTarget, TestSystem, waitFor } from '@shop/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const RPC_TIMEOUT_MS = 4_000;
/** A probe asks every second and gives up after one: a frozen instance is out within about 2 s. */
const DETECTION_WINDOW_MS = 3_000;
/** At most: the test stops the load once it has seen enough before and after the freeze. */
const LOAD_MS = 60_000;

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'frozen',
    replicas: { catalog: 2 },
    env: {
      auth: ADMIN_ENV,
      gateway: {
        THROTTLE_LIMIT: '1000000',
        AUTH_THROTTLE_LIMIT: '100000',
        RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS),
        // Every read a hop, so it is the catalog's failover these reads measure, not the gateway's cache.
        CATALOG_CACHE_MAX_STALENESS_MS: '0',
      },
    },
  });
});
afterAll(async () => {
  system?.resumeApp('catalog-2');
  await system?.stop();
});

it('a frozen catalog instance (SIGSTOP, connections open) costs reads some latency for a moment, and no failure', async () => {
  const shop = await seedLoadTarget(system, 1_000);
  // Reads only: a write that froze mid-transaction would hold its row locks, which no client
  // failover can release (PostgreSQL cannot tell a frozen client from a slow one).
  const load = runLoadInAnotherProcess({
    ...shop,
    baseUrl: system.baseUrl,
    durationMs: LOAD_MS,
    concurrency: 4,
    scenarios: ['list products', 'product by id'],
  });
  await load.until('the load to be under way', (samples) => samples.length >= 100);
  const frozenAt = Date.now();
  system.pauseApp('catalog-2');
  await load.until(
    'reads well past the detection window',
    (samples) => samples.filter((s) => s.start >= frozenAt + DETECTION_WINDOW_MS).length > 100,
  );
  const samples = await load.stop();

  const inWindow = samples.filter((s) => s.start >= frozenAt && s.start < frozenAt + DETECTION_WINDOW_MS);
  const after = samples.filter((s) => s.start >= frozenAt + DETECTION_WINDOW_MS);
  // A read that met the frozen instance waits half its deadline before another instance is asked too.
  const held = (s: (typeof samples)[number]) => s.end - s.start >= RPC_TIMEOUT_MS / 2;
  const report = {
    requests: samples.length,
    inWindow: inWindow.length,
    heldInWindow: inWindow.filter(held).length,
    failedInWindow: inWindow.filter((s) => s.status >= 500).length,
    timeoutsInWindow: inWindow.filter((s) => s.status === 504).length,
    slowestInWindowMs: Math.max(...inWindow.map((s) => s.end - s.start)),
    slowestAfterWindowMs: Math.max(...after.map((s) => s.end - s.start)),
    failedAfterWindow: after.filter((s) => s.status >= 500 || s.status === 0).length,
  };
  console.log(`frozen instance report: ${JSON.stringify(report)}`);
  writeFileSync(join(ROOT, 'tmp', 'frozen-instance-report.json'), JSON.stringify(report, null, 2));

  expect(samples.filter((s) => s.status !== 200)).toEqual([]);
  // The freeze was felt (reads sent to it were held) until the probe took it out…
  expect(report.heldInWindow).toBeGreaterThan(0);
  // …and not after: nothing was sent to it any more.
  expect(after.length).toBeGreaterThan(50);
  expect(after.filter(held)).toEqual([]);

  // Thawed, it answers its probe and gets calls again.
  system.resumeApp('catalog-2');
  const served = () => system.logs('catalog-2').split('catalog.products.get ok').length;
  const before = served();
  await waitFor('catalog-2 back in rotation', async () => {
    await system.http.get(`/api/v1/products/${shop.productIds[0]}`);
    return served() > before;
  });
});
