import { randomUUID } from 'node:crypto';
import {
  accessToken,
  ADMIN_ENV,
  type BackendName,
  HttpClient,
  signedToken,
  TEST_ADMIN,
  TestSystem,
  TEST_ADDRESS,
} from '@shop/testing';

let system: TestSystem;
beforeAll(async () => {
  // Each app binds a health port of its own choosing and logs it (see TestSystem.healthPort).
  const health = { HEALTH_PORT: '0' };
  system = await TestSystem.start({
    label: 'metrics',
    env: {
      gateway: { AUTH_THROTTLE_LIMIT: '3' },
      auth: { ...ADMIN_ENV, ...health },
      catalog: health,
      orders: health,
    },
  });
});
afterAll(() => system?.stop());

/** The value of the one sample of `name` whose labels include all of `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text.split('\n').find((candidate) => {
    if (!candidate.startsWith(`${name}{`) && !candidate.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`));
  });
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function scrape(client: HttpClient): Promise<string> {
  const response = await client.get('/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text;
}

const appMetrics = (name: BackendName) => scrape(new HttpClient(`http://127.0.0.1:${system.healthPort(name)}`));

describe('GET /metrics', () => {
  beforeAll(async () => {
    const admin = await accessToken(system, TEST_ADMIN);
    const created = await system.http.post(
      '/api/v1/products',
      { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'Thing', price: 1000, stock: 5 },
      { token: admin },
    );
    expect(created.status).toBe(201);
    const product = created.body;
    expect((await system.http.get(`/api/v1/products/${product.id}`)).status).toBe(200);
    const edit = () => system.http.patch(`/api/v1/products/${product.id}`, { name: 'B', version: 1 }, { token: admin });
    expect((await edit()).status).toBe(200);
    expect((await edit()).status).toBe(409);

    // One order placed and one refused for stock.
    const lastOne = await system.http.post(
      '/api/v1/products',
      { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'Last one', price: 100, stock: 1 },
      { token: admin },
    );
    const buyer = signedToken(system);
    const order = () =>
      system.http.post(
        '/api/v1/orders',
        { items: [{ productId: lastOne.body.id, quantity: 1 }], shippingAddress: TEST_ADDRESS },
        { token: buyer.token },
      );
    expect([(await order()).status, (await order()).status]).toEqual([201, 409]);

    const wrong = { email: TEST_ADMIN.email, password: 'not-the-password' };
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push((await system.http.post('/api/v1/auth/login', wrong)).status);
    expect(attempts).toEqual([401, 401, 429]);
  });

  it('serves the gateway metrics outside /api/v1, never rate limited', async () => {
    const text = await scrape(system.http);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        route: '/api/v1/products/:id',
        method: 'GET',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        route: '/api/v1/products/:id',
        method: 'PATCH',
        status: '409',
      }),
    ).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        route: '/api/v1/products/:id',
        method: 'PATCH',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_bucket', { route: '/api/v1/products/:id', le: '+Inf' }),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'rpc_client_duration_seconds_count', { service: 'auth', pattern: 'auth.login', outcome: 'refused' }),
    ).toBe(2);
    expect(
      sample(text, 'rpc_client_duration_seconds_count', { service: 'auth', pattern: 'auth.login', outcome: 'ok' }),
    ).toBe(1);
    expect(sample(text, 'shop_rate_limited_requests_total', { by: 'ip' })).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeDefined();
    for (let i = 0; i < 5; i++) expect((await system.http.get('/metrics')).status).toBe(200);
    expect((await system.http.get('/api/v1/metrics')).status).toBe(404);
  });

  it("serves each app's metrics on its health port", async () => {
    const auth = await appMetrics('auth');
    expect(sample(auth, 'shop_login_failures_total')).toBe(2);
    expect(sample(auth, 'rpc_server_duration_seconds_count', { pattern: 'auth.login', outcome: 'failed' })).toBe(2);
    expect(sample(auth, 'rpc_server_duration_seconds_count', { pattern: 'auth.login', outcome: 'ok' })).toBe(1);
    expect(sample(auth, 'db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(sample(auth, 'db_pool_connections', { state: 'waiting' })).toBe(0);

    const catalog = await appMetrics('catalog');
    expect(sample(catalog, 'shop_version_conflicts_total')).toBe(1);
    expect(sample(catalog, 'shop_login_failures_total')).toBe(0);

    const orders = await appMetrics('orders');
    expect(sample(orders, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(orders, 'shop_orders_placed_total')).toBe(1);
    expect(sample(orders, 'shop_orders_rejected_stock_total')).toBe(1);
  });
});
