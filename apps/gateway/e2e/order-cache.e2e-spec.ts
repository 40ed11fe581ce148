import {
  type ApiResponse,
  gatewayMetric,
  HttpClient,
  signedToken,
  TEST_ADDRESS,
  TestSystem,
  waitFor,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';

/** The gateway's default ORDER_CACHE_MAX_STALENESS_MS, which these tests run with. */
const BOUND_MS = 1_000;

let system: TestSystem;
let second: HttpClient;
const admin = () => signedToken(system, { role: 'admin' }).token;

beforeAll(async () => {
  system = await TestSystem.start({ label: 'order-cache', env: { gateway: { THROTTLE_LIMIT: '1000000' } } });
  const port = await system.startApp('gateway', { id: 'gateway-2' });
  second = new HttpClient(`http://127.0.0.1:${port}`);
  await waitFor('gateway-2 readiness', async () => (await second.get('/health/ready')).status === 200);
}, 120_000);
afterAll(() => system?.stop());

const cacheReads = (result: 'hit' | 'miss', gateway = system.http) =>
  gatewayMetric(gateway, 'shop_gateway_order_cache_reads_total', `result="${result}"`);
/** Calls this gateway made to the orders app for `GET /orders/:id`. */
const orderFetches = (gateway = system.http) =>
  gatewayMetric(gateway, 'rpc_client_duration_seconds_count', 'pattern="orders.orders.get"');

const read = (orderId: string, token: string, gateway = system.http) =>
  gateway.get(`/api/v1/orders/${orderId}`, { token });

/** A pending order of a new customer. */
async function newOrder(): Promise<{ orderId: string; owner: string }> {
  const product = await system.http.post(
    '/api/v1/products',
    { sku: `ORDER-CACHE-${randomUUID().slice(0, 8)}`, name: 'Kept thing', price: 1200, stock: 100 },
    { token: admin() },
  );
  expect(product.status).toBe(201);
  const owner = signedToken(system).token;
  const placed = await system.http.post(
    '/api/v1/orders',
    { items: [{ productId: product.body.id, quantity: 1 }], shippingAddress: TEST_ADDRESS },
    { token: owner },
  );
  expect(placed.status).toBe(201);
  return { orderId: placed.body.id, owner };
}

/** Reads until one is answered from this gateway's cache, and returns that answer. */
async function cachedRead(orderId: string, token: string): Promise<ApiResponse> {
  let answer!: ApiResponse;
  await waitFor('a read answered from the cache', async () => {
    const before = await cacheReads('hit');
    answer = await read(orderId, token);
    return (await cacheReads('hit')) > before;
  });
  return answer;
}

describe('the gateway order read cache', () => {
  it('answers kept reads without a call to the orders app: the same bytes and headers, the rate limit counted', async () => {
    const { orderId, owner } = await newOrder();
    const fetched = await read(orderId, owner);
    expect([fetched.status, fetched.body.status]).toEqual([200, 'pending']);
    // However many reads the cache did not answer (the bound may pass on a loaded machine), one
    // fetch each; those it answered cost none.
    const [hitsBefore, missesBefore, fetchesBefore] = [
      await cacheReads('hit'),
      await cacheReads('miss'),
      await orderFetches(),
    ];
    const cached = await cachedRead(orderId, owner);
    for (let i = 0; i < 5; i++) await read(orderId, owner);
    const hits = (await cacheReads('hit')) - hitsBefore;
    const misses = (await cacheReads('miss')) - missesBefore;
    expect(hits).toBeGreaterThanOrEqual(1);
    expect((await orderFetches()) - fetchesBefore).toBe(misses);

    const headersOf = (response: ApiResponse) =>
      ['content-type', 'ratelimit-limit'].map((name) => response.headers.get(name));
    expect([cached.status, cached.text, headersOf(cached)]).toEqual([200, fetched.text, headersOf(fetched)]);
    expect(cached.headers.has('ratelimit-remaining')).toBe(true);
    // The guards run before any kept answer.
    expect((await system.http.get(`/api/v1/orders/${orderId}`)).status).toBe(401);
  });

  it('shows a payment and a cancel made through this gateway to the very next read, of the owner and of admins', async () => {
    const { orderId, owner } = await newOrder();
    const adminToken = admin();
    await cachedRead(orderId, owner);
    expect((await read(orderId, adminToken)).body.status).toBe('pending');

    const paid = await system.http.post(
      `/api/v1/orders/${orderId}/payments`,
      { paymentMethod: '4242 4242 4242 4242' },
      { token: owner },
    );
    expect(paid.status).toBe(201);
    expect((await read(orderId, owner)).body).toMatchObject({ status: 'paid', paymentStatus: 'authorized' });

    const cancelled = await system.http.post(`/api/v1/orders/${orderId}/cancel`, undefined, { token: owner });
    expect(cancelled.status).toBe(200);
    for (const token of [owner, adminToken]) {
      expect((await read(orderId, token)).body).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
    }
  });

  it("keeps the owner's answer apart: anyone else still gets the orders app's 404, an admin the order", async () => {
    const { orderId, owner } = await newOrder();
    const ownersAnswer = await cachedRead(orderId, owner);
    const stranger = signedToken(system).token;
    for (let i = 0; i < 2; i++) {
      const refused = await read(orderId, stranger);
      expect([refused.status, refused.body.code]).toEqual([404, 'NOT_FOUND']);
    }
    const asAdmin = await read(orderId, admin());
    expect([asAdmin.status, asAdmin.text]).toEqual([200, ownersAnswer.text]);
  });

  it('serves a change made behind its back to every read asked later than the bound after the change', async () => {
    const { orderId, owner } = await newOrder();
    // Kept on this gateway; then cancelled through the other replica, which this one never hears of.
    await cachedRead(orderId, owner);
    const cancelled = await second.post(`/api/v1/orders/${orderId}/cancel`, undefined, { token: owner });
    expect(cancelled.status).toBe(200);
    // The cancel committed before its answer came back: by now, at the latest.
    const committedBy = performance.now();

    // Reads, each with the moment it was asked, until several were asked past the bound.
    const reads: { askedAt: number; status: string }[] = [];
    const late = () => reads.filter(({ askedAt }) => askedAt >= committedBy + BOUND_MS);
    await waitFor('reads asked past the bound', async () => {
      const askedAt = performance.now();
      reads.push({ askedAt, status: (await read(orderId, owner)).body.status });
      return late().length >= 5;
    });
    expect(late().map(({ status }) => status)).toEqual(Array(late().length).fill('cancelled'));
    // Whatever a read before the bound showed, nothing older comes back after the new state.
    const firstNew = reads.findIndex(({ status }) => status === 'cancelled');
    expect(reads.slice(firstNew).every(({ status }) => status === 'cancelled')).toBe(true);
  });
});
