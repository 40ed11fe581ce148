import { CatalogApi } from '@shop/service-defaults';
import {
  accessToken,
  ADMIN_ENV,
  closedPort,
  startTcpProxy,
  type TcpProxy,
  TEST_ADMIN,
  TestSystem,
  waitFor,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The catalog reaches the shared Redis through a proxy this test cuts and restores: the outage
 * is the catalog's alone, and Redis stays up for every other test.
 */
let redis: TcpProxy;
let system: TestSystem;
let admin: string;

beforeAll(async () => {
  redis = await startTcpProxy(REDIS_URL);
  redis.cut(); // Redis unreachable from the start: the catalog must start all the same
  system = await TestSystem.start({
    label: 'catalog_cache_outage',
    env: { auth: ADMIN_ENV, catalog: { REDIS_URL: redis.url } },
  });
  admin = await accessToken(system, TEST_ADMIN);
});
afterAll(async () => {
  await system?.stop();
  await redis?.stop();
});

const readiness = () => system.http.get('/health/ready');
const catalogRedis = async () => (await readiness()).body.services.catalog.dependencies?.redis as string | undefined;
const redisBecomes = (state: 'up' | 'down') =>
  waitFor(`the catalog's Redis to be reported ${state}`, async () => (await catalogRedis()) === state);
const product = (id: string) => system.http.get(`/api/v1/products/${id}`);

describe('readiness with the catalog cache Redis going away and back', () => {
  it('reports Redis down but stays ready, serving reads from the database, and up again once it answers', async () => {
    expect((await readiness()).body).toMatchObject({
      status: 'ok',
      services: { catalog: { status: 'up', database: 'up', dependencies: { redis: 'down' } } },
    });
    const created = await system.http.post(
      '/api/v1/products',
      { sku: `OUT-${randomUUID().slice(0, 8)}`, name: 'Before', price: 100, stock: 1 },
      { token: admin },
    );
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    expect((await product(id)).body.name).toBe('Before');

    redis.restore();
    await redisBecomes('up');
    expect((await product(id)).body.name).toBe('Before'); // cached now

    redis.cut();
    await redisBecomes('down');
    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.body.services.catalog).toEqual({ status: 'up', database: 'up', dependencies: { redis: 'down' } });
    // A write whose invalidation cannot reach Redis, then reads: all from the database.
    const renamed = await system.http.patch(`/api/v1/products/${id}`, { name: 'During', version: 1 }, { token: admin });
    expect(renamed.status).toBe(200);
    expect((await product(id)).body.name).toBe('During');

    redis.restore();
    await redisBecomes('up');
    // Back up means flushed too: the version cached before the outage is not served again.
    expect((await product(id)).body.name).toBe('During');
    expect(system.logs('catalog')).toContain('Redis unavailable, serving from the database');
  });

  it('starts with REDIS_URL on a closed port, ready, reporting Redis down', async () => {
    const port = await system.startApp('catalog', {
      id: 'catalog-closed-redis',
      env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` },
    });
    const catalog = new CatalogApi({ host: '127.0.0.1', port }, { timeoutMs: 5_000 });
    try {
      expect(await catalog.health({})).toEqual({
        status: 'up',
        database: 'up',
        dependencies: { redis: 'down' },
      });
    } finally {
      catalog.transport.close();
    }
  });
});
