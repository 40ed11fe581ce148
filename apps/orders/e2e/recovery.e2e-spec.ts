import { CatalogApi } from '@shop/service-defaults';
import { signedToken, type TestSystem, waitFor } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { expectProblem, newProduct, placeOrder, startShop, stockOf } from './orders-fixtures';

let system: TestSystem;
let admin: string;
let ordersDb: Pool;
let catalogDb: Pool;
let catalog: CatalogApi;

beforeAll(async () => {
  ({ system, admin } = await startShop('orders_recovery', { STUCK_ORDER_SECONDS: '1' }));
  ordersDb = new Pool({ connectionString: system.databaseUrl('orders'), max: 2 });
  catalogDb = new Pool({ connectionString: system.databaseUrl('catalog'), max: 2 });
  catalog = new CatalogApi(system.address('catalog'), { timeoutMs: 5000 });
});
afterAll(async () => {
  catalog?.transport.close();
  await ordersDb?.end();
  await catalogDb?.end();
  await system?.stop();
});

const halfDone = async () =>
  Number(
    (await ordersDb.query(`select count(*) from orders where status in ('reserving', 'abandoned')`)).rows[0].count,
  );

/** Orders clients can see that hold `productId`, and the units they hold. */
async function ordersHolding(productId: string) {
  const orders = (await system.http.get('/api/v1/orders?limit=100', { token: admin })).body.items as {
    id: string;
    status: string;
    items: { productId: string; quantity: number }[];
  }[];
  const holding = orders.filter(
    (order) => order.status !== 'cancelled' && order.items.some((item) => item.productId === productId),
  );
  const units = holding
    .flatMap((order) => order.items)
    .filter((item) => item.productId === productId)
    .reduce((sum, item) => sum + item.quantity, 0);
  return { ids: holding.map((order) => order.id).sort(), units };
}

/** The orders the catalog still holds `productId` for, read from its own database. */
async function reservedFor(productId: string): Promise<string[]> {
  const { rows } = await catalogDb.query(
    `select r.order_id from reservations r join reservation_lines l on l.order_id = r.order_id
      where r.status = 'reserved' and l.product_id = $1 order by r.order_id`,
    [productId],
  );
  return rows.map((row) => row.order_id).sort();
}

/** Each order holds its stock and each reservation has its order; the units add up. */
async function expectBooksBalanced(product: { id: string; stock: number }) {
  const orders = await ordersHolding(product.id);
  expect(await reservedFor(product.id)).toEqual(orders.ids);
  expect(await stockOf(system, product.id)).toBe(product.stock - orders.units);
  return orders;
}

/** Leaves the state an orders app that died right after reserving leaves behind. */
async function orderLeftReserving(userId: string, createdSecondsAgo = 5): Promise<string> {
  const orderId = randomUUID();
  await ordersDb.query(
    `insert into orders (id, user_id, status, stock, created_at, updated_at) values ($1, $2, 'reserving', 'unknown', now() - make_interval(secs => $3), now())`,
    [orderId, userId, createdSecondsAgo],
  );
  return orderId;
}

it('releases the stock of an order whose app crashed between reserve and confirm, and forgets the order', async () => {
  const product = await newProduct(system, admin, { stock: 10 });
  const { id: userId, token } = signedToken(system);
  // Young enough that recovery leaves it alone until the reserve is seen to hold.
  const orderId = await orderLeftReserving(userId, 0);
  const reserved = await catalog.reserve({
    orderId,
    lines: [{ productId: product.id, quantity: 4 }],
  });
  expect(reserved.status).toBe('reserved');
  expect(await stockOf(system, product.id)).toBe(6);
  await ordersDb.query(`update orders set created_at = now() - interval '5 seconds' where id = $1`, [orderId]);

  await waitFor('recovery of the half-placed order', async () => (await halfDone()) === 0);
  expect(await stockOf(system, product.id)).toBe(10);
  expect((await system.http.get(`/api/v1/orders/${orderId}`, { token })).status).toBe(404);
});

it('refuses a reserve that arrives after recovery gave its order up', async () => {
  const product = await newProduct(system, admin, { stock: 10 });
  const orderId = await orderLeftReserving(randomUUID());
  await waitFor('recovery of the half-placed order', async () => (await halfDone()) === 0);

  const late = catalog.reserve({ orderId, lines: [{ productId: product.id, quantity: 4 }] });
  await expect(late).rejects.toMatchObject({ status: 409, code: 'RESERVATION_RELEASED' });
  expect(await stockOf(system, product.id)).toBe(10);
});

it('leaves no stock without an order and no order without stock when the catalog is killed mid-checkout', async () => {
  const product = await newProduct(system, admin, { stock: 1000 });
  const buyers = Array.from({ length: 80 }, () => signedToken(system));
  let killed: Promise<unknown> | undefined;
  const responses = await Promise.all(
    buyers.map(async ({ token }) => {
      const response = await placeOrder(system, token, { items: [{ productId: product.id, quantity: 2 }] });
      killed ??= system.stopApp('catalog', 'SIGKILL');
      return response;
    }),
  );
  await killed;
  const statuses = responses.map((response) => response.status);
  expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
  // The kill interrupted checkouts: there is something to recover.
  expect(statuses).toContain(503);

  await system.startApp('catalog');
  await system.waitUntilReady();
  await waitFor('recovery after the catalog restart', async () => (await halfDone()) === 0);
  const orders = await expectBooksBalanced(product);
  expect(orders.units).toBe(2 * statuses.filter((status) => status === 201).length);
});

it('leaves no stock without an order and no order without stock when the orders app itself is killed mid-checkout', async () => {
  const product = await newProduct(system, admin, { stock: 1000 });
  const buyers = Array.from({ length: 80 }, () => signedToken(system));
  let killed: Promise<unknown> | undefined;
  const responses = await Promise.all(
    buyers.map(async ({ token }) => {
      const response = await placeOrder(system, token, { items: [{ productId: product.id, quantity: 1 }] });
      killed ??= system.stopApp('orders', 'SIGKILL');
      return response;
    }),
  );
  await killed;
  expect(responses.map((response) => response.status)).toContain(503);
  await system.startApp('orders');
  await system.waitUntilReady();

  await waitFor('recovery after the orders restart', async () => (await halfDone()) === 0);
  await expectBooksBalanced(product);
});

describe('payments left half-way', () => {
  const pay = (orderId: string, token: string) =>
    system.http.post(`/api/v1/orders/${orderId}/payments`, { paymentMethod: '4242424242424242' }, { token });
  const paymentRow = async (id: string) =>
    (await ordersDb.query('select status, provider_ref from payments where id = $1', [id])).rows[0];

  async function pendingOrder() {
    const buyer = signedToken(system);
    const product = await newProduct(system, admin, { price: 700, stock: 5 });
    const order = (await placeOrder(system, buyer.token, { items: [{ productId: product.id, quantity: 2 }] })).body;
    return { buyer, order, product };
  }

  /** What an orders app that died after writing this payment row, and before the next step, leaves. */
  async function paymentLeft(orderId: string, status: string, providerRef: string | null = null) {
    const id = randomUUID();
    await ordersDb.query(
      `insert into payments (id, order_id, provider, provider_ref, amount, currency, status, created_at, updated_at)
       values ($1, $2, 'test', $3, 1400, 'USD', $4, now() - interval '5 seconds', now() - interval '5 seconds')`,
      [id, orderId, providerRef, status],
    );
    return id;
  }

  it('asks the provider again about an attempt whose answer was never recorded, and frees the order', async () => {
    const { buyer, order } = await pendingOrder();
    const paymentId = await paymentLeft(order.id, 'processing');
    await waitFor(
      'the unanswered payment to be resolved',
      async () => (await paymentRow(paymentId)).status !== 'processing',
    );
    // The test provider moves no money: an attempt it never answered for is given up.
    expect(await paymentRow(paymentId)).toEqual({ status: 'declined', provider_ref: null });
    expect((await system.http.get(`/api/v1/orders/${order.id}`, { token: buyer.token })).body.status).toBe('pending');
    const paid = await pay(order.id, buyer.token);
    expect(paid.status).toBe(201);
    expectProblem(await pay(order.id, buyer.token), 409, 'INVALID_TRANSITION');
  });

  it('moves to paid an order whose authorized payment its request never got to apply', async () => {
    const { buyer, order } = await pendingOrder();
    const paymentId = await paymentLeft(order.id, 'authorized', `test_${order.id}`);
    const read = async () => (await system.http.get(`/api/v1/orders/${order.id}`, { token: buyer.token })).body;
    await waitFor('the captured order to be paid', async () => (await read()).status === 'paid');
    expect((await read()).transitions.at(-1)).toMatchObject({
      from: 'pending',
      to: 'paid',
      actorRole: 'system',
      reason: `payment ${paymentId}`,
    });
    expect(await paymentRow(paymentId)).toEqual({ status: 'authorized', provider_ref: `test_${order.id}` });
  });

  it('cancels a paid order whose card authorization is about to lapse (AUTHORIZATION_TTL_SECONDS), voiding it and returning the stock', async () => {
    const { buyer, order, product } = await pendingOrder();
    expect((await pay(order.id, buyer.token)).status).toBe(201);
    const [{ id: paymentId }] = (await ordersDb.query('select id from payments where order_id = $1', [order.id])).rows;
    await ordersDb.query(`update payments set updated_at = now() - interval '6 days 1 minute' where id = $1`, [
      paymentId,
    ]);
    const read = async () => (await system.http.get(`/api/v1/orders/${order.id}`, { token: buyer.token })).body;
    // The void is a step of its own after the cancel commits, and a read may be up to 1 s behind.
    let cancelled!: { paymentStatus: string; transitions: object[] };
    await waitFor('the order to be cancelled and its authorization voided', async () => {
      cancelled = await read();
      return cancelled.paymentStatus === 'voided';
    });
    expect(cancelled).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
    expect(cancelled.transitions.at(-1)).toMatchObject({
      from: 'paid',
      to: 'cancelled',
      actorRole: 'system',
      reason: 'authorization expiring',
    });
    expect(await paymentRow(paymentId)).toEqual({ status: 'voided', provider_ref: `test_${order.id}` });
    await waitFor('the stock to come back', async () => (await stockOf(system, product.id)) === product.stock);
  });
});

it('keeps Idempotency-Keys for at least 24 h: 23 h old ones survive a recovery round, 25 h old ones are forgotten', async () => {
  const product = await newProduct(system, admin, { stock: 10 });
  const { id: userId, token } = signedToken(system);
  const body = { items: [{ productId: product.id, quantity: 1 }] };
  const placed = await placeOrder(system, token, body, { 'idempotency-key': 'kept-23h' });
  await placeOrder(system, token, body, { 'idempotency-key': 'gone-25h' });
  const age = (key: string, hours: number) =>
    ordersDb.query(
      `update idempotency_keys set created_at = now() - make_interval(hours => $3) where user_id = $1 and key = $2`,
      [userId, key, hours],
    );
  await age('kept-23h', 23);
  await age('gone-25h', 25);
  const keys = async () =>
    (await ordersDb.query('select key from idempotency_keys where user_id = $1 order by key', [userId])).rows.map(
      (row) => row.key,
    );
  // One statement forgets expired keys, so the round that forgot the older one judged the other too.
  await waitFor('the 25 h old key to be forgotten', async () => !(await keys()).includes('gone-25h'));
  expect(await keys()).toEqual(['kept-23h']);
  const again = await placeOrder(system, token, body, { 'idempotency-key': 'kept-23h' });
  expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: placed.body });
  const other = await placeOrder(
    system,
    token,
    { items: [{ productId: product.id, quantity: 2 }] },
    {
      'idempotency-key': 'kept-23h',
    },
  );
  expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
  expect(await stockOf(system, product.id)).toBe(8);
});
