import { ADMIN_ENV, freePort, runLoadInAnotherProcess, seedLoadTarget, TestSystem } from '@shop/testing';
import { setTimeout as sleep } from 'node:timers/promises';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'graceful',
    replicas: { auth: 2, catalog: 2, orders: 2 },
    env: { auth: ADMIN_ENV, gateway: { THROTTLE_LIMIT: '1000000', AUTH_THROTTLE_LIMIT: '100000' } },
  });
}, 120_000);
afterAll(() => system?.stop());

it('SIGTERM to one instance of every app during load: every app exits 0 and no request fails', async () => {
  const shop = await seedLoadTarget(system, 100_000);
  const load = runLoadInAnotherProcess({ ...shop, baseUrl: system.baseUrl, durationMs: 10_000, concurrency: 8 });
  await sleep(4_000);
  const exitCodes = await Promise.all(['auth-2', 'catalog-2', 'orders-2'].map((id) => system.stopApp(id, 'SIGTERM')));
  const samples = await load;

  expect(exitCodes).toEqual([0, 0, 0]);
  expect(samples.length).toBeGreaterThan(200);
  expect(samples.filter((sample) => sample.status >= 500 || sample.status === 0)).toEqual([]);
  for (const id of ['auth-2', 'catalog-2', 'orders-2']) expect(system.logs(id)).toContain('draining');
}, 60_000);

it('a stopping gateway turns not-ready first, keeps serving while it drains, then exits 0', async () => {
  const port = await freePort();
  await system.startApp('gateway', { id: 'gateway-2', port, env: { SHUTDOWN_DRAIN_MS: '2000' } });
  const url = `http://127.0.0.1:${port}`;
  expect((await fetch(`${url}/health/ready`)).status).toBe(200);

  const exit = system.stopApp('gateway-2', 'SIGTERM');
  await sleep(300);
  expect((await fetch(`${url}/health/ready`)).status).toBe(503);
  expect((await fetch(`${url}/health/live`)).status).toBe(200);
  expect((await fetch(`${url}/api/v1/products`)).status).toBe(200);
  expect(await exit).toBe(0);
});
