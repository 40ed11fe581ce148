import { randomInt } from 'node:crypto';
import { closedPort, HttpClient, TestSystem, waitFor } from '@shop/testing';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const gatewayEnv = { THROTTLE_LIMIT: '6', TRUSTED_PROXIES: '127.0.0.1', REDIS_URL };

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ label: 'shared-throttling', env: { gateway: gatewayEnv } });
});
afterAll(() => system?.stop());

/** Another gateway instance in front of the same apps, with the harness's settings plus `env`. */
async function startGateway(id: string, env: Record<string, string> = {}): Promise<HttpClient> {
  const port = await system.startApp('gateway', { id, env });
  const client = new HttpClient(`http://127.0.0.1:${port}`);
  await waitFor(`${id} readiness`, async () => (await client.get('/health/ready')).status === 200);
  return client;
}

/** A client address no other run uses, so counters left in the shared Redis never collide. */
const newClientIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('rate limits across gateway replicas', () => {
  it('share one limit through Redis', async () => {
    const second = await startGateway('gateway-2');
    const ip = { headers: { 'x-forwarded-for': newClientIp() } };
    const gateways = [system.http, second];

    const statuses = [];
    for (let i = 0; i < 16; i++) statuses.push((await gateways[i % 2].get('/api/v1/auth/me', ip)).status);
    // Six in all, not six per instance (which would admit twelve). A replica sends hits below half the limit in
    // batches every 100 ms, so the other may admit up to half the limit more (the documented overshoot), more
    // likely the busier the machine; once refused, every later request is refused too.
    const admitted = statuses.indexOf(429);
    expect(admitted).toBeGreaterThanOrEqual(6);
    expect(admitted).toBeLessThanOrEqual(6 + 3);
    expect(statuses).toEqual([...Array(admitted).fill(401), ...Array(statuses.length - admitted).fill(429)]);
    expect((await system.http.get('/health/ready')).body.redis).toBe('up');
  });

  it('keeps serving and limiting per instance when Redis is down, and says so', async () => {
    const unreachable = `redis://127.0.0.1:${await closedPort()}`;
    const lonely = await startGateway('gateway-no-redis', { REDIS_URL: unreachable });

    const ready = await lonely.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.redis).toBe('down');

    const ip = { headers: { 'x-forwarded-for': newClientIp() } };
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await lonely.get('/api/v1/auth/me', ip)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect(system.logs('gateway-no-redis')).toContain(
      'Redis unavailable, rate limits are counted per gateway instance',
    );
  });
});
