import {
  accessToken,
  ADMIN_ENV,
  type ApiResponse,
  gatewayMetric as metric,
  HttpClient,
  TEST_ADMIN,
  TestSystem,
  waitFor,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

let system: TestSystem;
let second: HttpClient;
let admin: string;

beforeAll(async () => {
  system = await TestSystem.start({ label: 'catalog-cache', env: { auth: ADMIN_ENV } });
  const port = await system.startApp('gateway', { id: 'gateway-2' });
  second = new HttpClient(`http://127.0.0.1:${port}`);
  await waitFor('gateway-2 readiness', async () => (await second.get('/health/ready')).status === 200);
  admin = await accessToken(system, TEST_ADMIN);
}, 120_000);
afterAll(() => system?.stop());

const serving = async (gateway: HttpClient) => (await metric(gateway, 'shop_gateway_catalog_cache_serving')) === 1;
const hits = (gateway: HttpClient) => metric(gateway, 'shop_gateway_catalog_cache_reads_total', 'result="hit"');

async function newProduct(): Promise<{ id: string; version: number }> {
  const product = { sku: `CACHE-${randomUUID().slice(0, 8)}`, name: 'Cached thing', price: 700, stock: 5 };
  const created = await system.http.post('/api/v1/products', product, { token: admin });
  expect(created.status).toBe(201);
  return created.body;
}

const gateways = () => [system.http, second];

describe('the gateway read cache on two replicas', () => {
  it('serves repeated reads without the hop, with the exact ETag', async () => {
    const { id } = await newProduct();
    for (const gateway of gateways()) {
      const first = await gateway.get(`/api/v1/products/${id}`);
      const again = await gateway.get(`/api/v1/products/${id}`, { headers: { 'if-none-match': '"1"' } });
      expect([first.status, first.headers.get('etag'), first.body.version]).toEqual([200, '"1"', 1]);
      expect([again.status, again.headers.get('etag')]).toEqual([304, '"1"']);
      // On a loaded machine the feed may fall behind for a moment; a hit comes once it is fresh.
      const before = await hits(gateway);
      await waitFor('a read answered from the cache', async () => {
        const cached = await gateway.get(`/api/v1/products/${id}`, { headers: { 'if-none-match': '"1"' } });
        expect([cached.status, cached.headers.get('etag')]).toEqual([304, '"1"']);
        return (await hits(gateway)) > before;
      });
    }
  });

  it('answers a read from the cache as one fetched from the catalog: same bytes and headers, rate limit counted', async () => {
    const { id } = await newProduct();
    const read = (requestId: string) =>
      system.http.get(`/api/v1/products/${id}`, { headers: { 'x-request-id': requestId } });
    const headersOf = (response: ApiResponse) =>
      ['content-type', 'etag', 'ratelimit-limit'].map((name) => response.headers.get(name));
    // Written through this replica, so its first read is fetched.
    const fetched = await read('fetched-read');
    let cached!: ApiResponse;
    await waitFor('a read answered from the cache', async () => {
      const before = await hits(system.http);
      cached = await read('cached-read');
      return (await hits(system.http)) > before;
    });
    expect([cached.status, cached.text, headersOf(cached)]).toEqual([200, fetched.text, headersOf(fetched)]);
    expect([cached.headers.get('x-request-id'), cached.headers.has('ratelimit-remaining')]).toEqual([
      'cached-read',
      true,
    ]);
  });

  it('serves every replica the new version once the catalog commits a change', async () => {
    const { id } = await newProduct();
    for (const gateway of gateways()) expect((await gateway.get(`/api/v1/products/${id}`)).body.price).toBe(700);

    // Through one replica: the other learns of it only from the catalog's change feed.
    const changed = await system.http.patch(
      `/api/v1/products/${id}`,
      { price: 900 },
      { headers: { 'if-match': '"1"' }, token: admin },
    );
    expect(changed.status).toBe(200);
    for (const gateway of gateways()) {
      await waitFor('the new version', async () => {
        const read = await gateway.get(`/api/v1/products/${id}`);
        return read.headers.get('etag') === '"2"' && read.body.price === 900 && read.body.version === 2;
      });
      // The old ETag no longer matches; the new one does.
      expect((await gateway.get(`/api/v1/products/${id}`, { headers: { 'if-none-match': '"1"' } })).status).toBe(200);
      expect((await gateway.get(`/api/v1/products/${id}`, { headers: { 'if-none-match': '"2"' } })).status).toBe(304);
    }
  });

  it('drops listings when a product changes', async () => {
    const { id } = await newProduct();
    const search = `/api/v1/products?q=${encodeURIComponent('Cached thing')}&limit=100`;
    const priceIn = async (gateway: HttpClient) =>
      (await gateway.get(search)).body.items.find((item: { id: string }) => item.id === id)?.price;
    for (const gateway of gateways()) expect(await priceIn(gateway)).toBe(700);
    await system.http.patch(`/api/v1/products/${id}`, { price: 450, version: 1 }, { token: admin });
    for (const gateway of gateways())
      await waitFor('the listing to show the change', async () => (await priceIn(gateway)) === 450);
  });

  it('goes to the catalog while the change feed is held back, so the bound holds anyway', async () => {
    const { id } = await newProduct();
    for (const gateway of gateways()) {
      await waitFor('the cache serving', () => serving(gateway));
      expect((await gateway.get(`/api/v1/products/${id}`)).body.version).toBe(1);
    }
    // A transaction left open in the catalog's database holds the feed's watermark at its start:
    // changes after it are not reported, and each replica must notice that its view is too old.
    const blocker = new Client({ connectionString: system.databaseUrl('catalog') });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1');
      for (const gateway of gateways())
        await waitFor('the cache to stand aside', async () => !(await serving(gateway)));

      const changed = await system.http.patch(
        `/api/v1/products/${id}`,
        { name: 'Renamed', version: 1 },
        { token: admin },
      );
      expect(changed.status).toBe(200);
      // At once, on both: nothing is served from the cache while the feed is behind.
      for (const gateway of gateways()) {
        const read = await gateway.get(`/api/v1/products/${id}`);
        expect([read.body.name, read.headers.get('etag')]).toEqual(['Renamed', '"2"']);
      }
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    for (const gateway of gateways()) {
      await waitFor('the cache serving again', () => serving(gateway));
      const read = await gateway.get(`/api/v1/products/${id}`);
      expect([read.body.name, read.headers.get('etag')]).toEqual(['Renamed', '"2"']);
    }
  });
});
