import { ORDER_STATUSES, OrderStatus } from '@shop/contracts';
import { type ApiResponse, newCustomer, signedToken, TEST_ADDRESS, type TestSystem, waitFor } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import {
  expectProblem,
  newProduct,
  orderOf,
  paymentStatuses,
  placeOrder,
  queryDb,
  queryOrdersDb,
  startShop,
  stockOf,
} from './orders-fixtures';
import { type ActorKind, ORDER_TRANSITIONS, STOCK_FOR_STATUS } from '../src/app/orders/order-status.machine';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  ({ system, admin } = await startShop('orders'));
});
afterAll(() => system?.stop());

const buyer = () => signedToken(system);
const getOrder = (id: string, token: string) => system.http.get(`/api/v1/orders/${id}`, { token });
const cancel = (id: string, token: string) => system.http.post(`/api/v1/orders/${id}/cancel`, undefined, { token });
/** Shipping needs a carrier and a tracking number: these go with every move to shipped here. */
const setStatus = (id: string, status: string, token = admin) =>
  system.http.patch(
    `/api/v1/orders/${id}/status`,
    { status, ...(status === 'shipped' && { carrier: 'DHL', trackingNumber: 'JD014600006281230704' }) },
    { token },
  );
const pay = (id: string, token: string, paymentMethod = '4242 4242 4242 4242', headers: Record<string, string> = {}) =>
  system.http.post(`/api/v1/orders/${id}/payments`, { paymentMethod }, { token, headers });

async function pendingOrder(token: string, quantity = 1, price = 1000) {
  const product = await newProduct(system, admin, { price, stock: 10 });
  const response = await placeOrder(system, token, { items: [{ productId: product.id, quantity }] });
  expect(response.status).toBe(201);
  return { product, order: response.body };
}

describe('placing an order', () => {
  it('prices every line from the catalog and reserves the stock', async () => {
    const { id: userId, token } = buyer();
    const coffee = await newProduct(system, admin, { price: 2490, stock: 5 });
    const mug = await newProduct(system, admin, { price: 899, stock: 3 });
    const response = await placeOrder(system, token, {
      items: [
        { productId: coffee.id, quantity: 2 },
        { productId: mug.id, quantity: 1 },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId,
      status: 'pending',
      items: expect.arrayContaining([
        { productId: coffee.id, sku: coffee.sku, name: coffee.name, unitPrice: 2490, quantity: 2, lineTotal: 4980 },
        { productId: mug.id, sku: mug.sku, name: mug.name, unitPrice: 899, quantity: 1, lineTotal: 899 },
      ]),
      total: 5879,
      currency: 'USD',
      shippingAddress: { ...TEST_ADDRESS, line2: null, region: null, phone: null },
      paymentStatus: null,
      carrier: null,
      trackingNumber: null,
      transitions: [
        { from: null, to: 'pending', actorRole: 'customer', actorId: userId, reason: null, at: expect.any(String) },
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await stockOf(system, coffee.id)).toBe(3);
    expect(await stockOf(system, mug.id)).toBe(2);
    expect((await getOrder(response.body.id, token)).body).toEqual(response.body);
  });

  it('sums a product listed twice into one line', async () => {
    const product = await newProduct(system, admin, { stock: 5 });
    const response = await placeOrder(system, buyer().token, {
      items: [
        { productId: product.id, quantity: 1 },
        { productId: product.id, quantity: 2 },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body.items).toEqual([expect.objectContaining({ productId: product.id, quantity: 3 })]);
    expect(await stockOf(system, product.id)).toBe(2);
  });

  it.each([
    ['a unit price', { unitPrice: 1 }],
    ['a line total', { lineTotal: 1 }],
  ])('refuses %s sent by the client', async (_, extra) => {
    const product = await newProduct(system, admin);
    const response = await placeOrder(system, buyer().token, {
      items: [{ productId: product.id, quantity: 1, ...extra }],
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(await stockOf(system, product.id)).toBe(10);
  });

  it('refuses a total sent by the client', async () => {
    const product = await newProduct(system, admin);
    const response = await placeOrder(system, buyer().token, {
      items: [{ productId: product.id, quantity: 1 }],
      total: 1,
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toHaveProperty('total');
  });

  it.each([0, -1, 1.5, 1001])('refuses quantity %p', async (quantity) => {
    const product = await newProduct(system, admin);
    expectProblem(
      await placeOrder(system, buyer().token, { items: [{ productId: product.id, quantity }] }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('refuses missing stock with 409 INSUFFICIENT_STOCK naming the product, leaving no order and no reservation', async () => {
    const { id: userId, token } = buyer();
    const plenty = await newProduct(system, admin, { stock: 10 });
    const scarce = await newProduct(system, admin, { stock: 1 });
    const response = await placeOrder(system, token, {
      items: [
        { productId: plenty.id, quantity: 1 },
        { productId: scarce.id, quantity: 2 },
      ],
    });
    expectProblem(response, 409, 'INSUFFICIENT_STOCK');
    expect(response.body.products).toEqual([{ productId: scarce.id, requested: 2, available: 1 }]);
    expect(await stockOf(system, plenty.id)).toBe(10);
    expect(await stockOf(system, scarce.id)).toBe(1);
    expect((await system.http.get('/api/v1/orders', { token })).body.total).toBe(0);
    // Not even a row the API hides (reserving, abandoned), nor stock held for one in the catalog.
    expect(await queryOrdersDb(system, 'select status from orders where user_id = $1', [userId])).toEqual([]);
    const held = await queryDb(
      system,
      'catalog',
      `select r.order_id from reservations r join reservation_lines l on l.order_id = r.order_id
        where r.status = 'reserved' and l.product_id = any($1)`,
      [[plenty.id, scarce.id]],
    );
    expect(held).toEqual([]);
  });

  it('refuses an unknown product with 404 naming it', async () => {
    const missing = randomUUID();
    const response = await placeOrder(system, buyer().token, { items: [{ productId: missing, quantity: 1 }] });
    expectProblem(response, 404, 'NOT_FOUND');
    expect(response.body.products).toEqual([missing]);
  });

  it('refuses products in different currencies with 422 and gives their stock back', async () => {
    const dollars = await newProduct(system, admin, { currency: 'USD' });
    const euros = await newProduct(system, admin, { currency: 'EUR' });
    const response = await placeOrder(system, buyer().token, {
      items: [
        { productId: dollars.id, quantity: 1 },
        { productId: euros.id, quantity: 1 },
      ],
    });
    expectProblem(response, 422, 'MIXED_CURRENCIES');
    expect(response.body.currencies.sort()).toEqual(['EUR', 'USD']);
    expect(await stockOf(system, dollars.id)).toBe(10);
    expect(await stockOf(system, euros.id)).toBe(10);
  });

  it('refuses to check out an empty cart with 422 CART_EMPTY', async () => {
    expectProblem(await placeOrder(system, buyer().token), 422, 'CART_EMPTY');
  });

  it('needs a token', async () => {
    expectProblem(await system.http.post('/api/v1/orders', { items: [] }), 401, 'UNAUTHORIZED');
  });
});

describe('Idempotency-Key', () => {
  it('answers ten concurrent requests with one key with one order and ten identical responses', async () => {
    const { token } = buyer();
    const product = await newProduct(system, admin, { stock: 100 });
    const body = { items: [{ productId: product.id, quantity: 3 }] };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => placeOrder(system, token, body, { 'idempotency-key': 'checkout-1' })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    const ids = new Set(responses.map((response) => response.body.id));
    expect(ids.size).toBe(1);
    for (const response of responses) expect(response.body).toEqual(responses[0].body);
    expect((await system.http.get('/api/v1/orders', { token })).body.total).toBe(1);
    expect(await stockOf(system, product.id)).toBe(97);
  });

  it('returns the original response to a later repeat and refuses the key with another body with 422', async () => {
    const { token } = buyer();
    const product = await newProduct(system, admin);
    const first = await placeOrder(
      system,
      token,
      { items: [{ productId: product.id, quantity: 1 }] },
      { 'idempotency-key': 'k-2' },
    );
    const again = await placeOrder(
      system,
      token,
      { items: [{ productId: product.id, quantity: 1 }] },
      { 'idempotency-key': 'k-2' },
    );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await placeOrder(
      system,
      token,
      { items: [{ productId: product.id, quantity: 2 }] },
      { 'idempotency-key': 'k-2' },
    );
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await stockOf(system, product.id)).toBe(9);
  });

  it('repeats a refusal too, and keeps keys apart per user', async () => {
    const product = await newProduct(system, admin, { stock: 1 });
    const body = { items: [{ productId: product.id, quantity: 2 }] };
    const { token } = buyer();
    expectProblem(await placeOrder(system, token, body, { 'idempotency-key': 'same' }), 409, 'INSUFFICIENT_STOCK');
    expectProblem(await placeOrder(system, token, body, { 'idempotency-key': 'same' }), 409, 'INSUFFICIENT_STOCK');
    const other = await placeOrder(
      system,
      buyer().token,
      { items: [{ productId: product.id, quantity: 1 }] },
      { 'idempotency-key': 'same' },
    );
    expect(other.status).toBe(201);
  });

  it('finds the order placed with a key even when the request died before recording its answer', async () => {
    const { id: userId, token } = buyer();
    const product = await newProduct(system, admin);
    const body = { items: [{ productId: product.id, quantity: 2 }] };
    const first = await placeOrder(system, token, body, { 'idempotency-key': 'lost-answer' });
    // What the recovery job leaves of a claim whose request died: nothing.
    await queryOrdersDb(system, 'delete from idempotency_keys where user_id = $1', [userId]);
    const again = await placeOrder(system, token, body, { 'idempotency-key': 'lost-answer' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await stockOf(system, product.id)).toBe(8);
  });

  it('refuses a malformed key with 400', async () => {
    const response = await placeOrder(system, buyer().token, {}, { 'idempotency-key': 'not a key!' });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toHaveProperty('Idempotency-Key');
  });
});

describe('reading orders', () => {
  it('lists only your own orders, newest first, paginated and filtered by status', async () => {
    const { token } = buyer();
    const first = (await pendingOrder(token)).order;
    const second = (await pendingOrder(token)).order;
    const third = (await pendingOrder(token)).order;
    await pendingOrder(buyer().token);
    expect((await cancel(second.id, token)).status).toBe(200);

    const page1 = await system.http.get('/api/v1/orders?limit=2', { token });
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ total: 3, page: 1, limit: 2 });
    expect(page1.body.items.map((order: { id: string }) => order.id)).toEqual([third.id, second.id]);
    const page2 = await system.http.get('/api/v1/orders?limit=2&page=2', { token });
    expect(page2.body.items.map((order: { id: string }) => order.id)).toEqual([first.id]);
    const pending = await system.http.get('/api/v1/orders?status=pending', { token });
    expect(pending.body.items.map((order: { id: string }) => order.id)).toEqual([third.id, first.id]);
  });

  it('ignores a customer’s userId filter but lets an admin see and filter everyone’s', async () => {
    const alice = buyer();
    const bob = buyer();
    const bobs = (await pendingOrder(bob.token)).order;
    await pendingOrder(alice.token);
    const sneaky = await system.http.get(`/api/v1/orders?userId=${bob.id}`, { token: alice.token });
    expect(sneaky.body.items.every((order: { userId: string }) => order.userId === alice.id)).toBe(true);
    const asAdmin = await system.http.get(`/api/v1/orders?userId=${bob.id}`, { token: admin });
    expect(asAdmin.body.items.map((order: { id: string }) => order.id)).toEqual([bobs.id]);
    const all = await system.http.get('/api/v1/orders?limit=100', { token: admin });
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    expect((await getOrder(bobs.id, admin)).status).toBe(200);
  });

  it('refuses bad paging and filters with 400', async () => {
    const { token } = buyer();
    for (const query of ['limit=0', 'limit=101', 'page=0', 'status=reserving', 'userId=x']) {
      expectProblem(await system.http.get(`/api/v1/orders?${query}`, { token }), 400, 'VALIDATION_FAILED');
    }
  });

  it('answers an id that is not a UUID with 400 and an unknown one with 404', async () => {
    const { token } = buyer();
    expectProblem(await getOrder('nope', token), 400, 'VALIDATION_FAILED');
    expectProblem(await getOrder(randomUUID(), token), 404, 'NOT_FOUND');
  });

  it('reads one order (a route hook ahead of Nest) with the request id, the rate limit and the token checked', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    const read = await system.http.get(`/api/v1/orders/${order.id.toUpperCase()}`, {
      token: owner.token,
      headers: { 'x-request-id': 'own-order-read' },
    });
    expect([read.status, read.headers.get('content-type'), read.body.id]).toEqual([
      200,
      'application/json; charset=utf-8',
      order.id,
    ]);
    expect([read.headers.get('x-request-id'), read.headers.has('ratelimit-remaining')]).toEqual([
      'own-order-read',
      true,
    ]);
    expectProblem(await system.http.get(`/api/v1/orders/${order.id}`), 401, 'UNAUTHORIZED');
    expectProblem(await system.http.get('/api/v1/orders/nope'), 401, 'UNAUTHORIZED');
  });
});

describe("another customer's order", () => {
  it('is 404 to read, cancel or pay, and stays untouched', async () => {
    const owner = buyer();
    const { order, product } = await pendingOrder(owner.token);
    const stranger = await newCustomer(system);
    expectProblem(await getOrder(order.id, stranger.token), 404, 'NOT_FOUND');
    expectProblem(await cancel(order.id, stranger.token), 404, 'NOT_FOUND');
    expectProblem(await pay(order.id, stranger.token), 404, 'NOT_FOUND');
    expect((await system.http.get('/api/v1/orders', { token: stranger.token })).body.total).toBe(0);
    expect((await getOrder(order.id, owner.token)).body.status).toBe('pending');
    expect(await stockOf(system, product.id)).toBe(9);
  });

  it('is not the customer’s to move along fulfilment (403)', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    expectProblem(await setStatus(order.id, 'shipped', owner.token), 403, 'FORBIDDEN');
  });
});

describe('status machine through the API', () => {
  it('walks pending → paid → shipped → delivered and records who, when and from/to', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token, 2, 1500);
    const payment = await pay(order.id, owner.token);
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({
      orderId: order.id,
      status: 'authorized',
      amount: 3000,
      currency: 'USD',
      provider: 'test',
    });
    expect((await setStatus(order.id, 'shipped')).body.status).toBe('shipped');
    const delivered = await setStatus(order.id, 'delivered');
    expect(delivered.status).toBe(200);
    expect(
      delivered.body.transitions.map(({ from, to, actorRole }: Record<string, string>) => [from, to, actorRole]),
    ).toEqual([
      [null, 'pending', 'customer'],
      ['pending', 'paid', 'system'],
      ['paid', 'shipped', 'admin'],
      ['shipped', 'delivered', 'admin'],
    ]);
    const times = delivered.body.transitions.map((transition: { at: string }) => Date.parse(transition.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // A read by id is built by PostgreSQL, a move's answer from rows in the app: the same bytes.
    for (const token of [owner.token, admin]) expect((await getOrder(order.id, token)).text).toBe(delivered.text);
  });

  describe('every (from, to, actor) of the machine, the table read from the machine itself', () => {
    const ACTORS: ActorKind[] = ['owner', 'admin', 'system'];
    const ROLE: Record<ActorKind, string> = { owner: 'customer', admin: 'admin', system: 'system' };
    type Placed = { owner: { token: string }; order: { id: string }; product: { id: string } };
    /** An answer over HTTP, or null where the API moves the order on its own (expiry). */
    type Request = (placed: Placed) => Promise<ApiResponse | null>;

    /**
     * How each actor asks for `to` through the API; undefined where nothing in the API does. An
     * owner cancels, and may send anything else only to the admins' fulfilment route (403 for a
     * customer); the system pays when the owner's payment is authorized, and cancels on expiry
     * (pending) or when the card authorization is about to lapse (paid).
     */
    function request(actor: ActorKind, to: OrderStatus): Request | undefined {
      if (actor !== 'system') {
        const token = ({ owner }: Placed) => (actor === 'owner' ? owner.token : admin);
        return (placed) =>
          to === OrderStatus.Cancelled
            ? cancel(placed.order.id, token(placed))
            : setStatus(placed.order.id, to, token(placed));
      }
      if (to === OrderStatus.Paid) return ({ order, owner }) => pay(order.id, owner.token);
      if (to === OrderStatus.Cancelled) return ({ order }) => expire(order.id);
      return undefined;
    }

    /**
     * Makes the order older than ORDER_TTL_SECONDS and its authorization older than
     * AUTHORIZATION_TTL_SECONDS, then waits for a recovery round to judge it.
     */
    async function expire(orderId: string): Promise<null> {
      // The orders app's own word: the gateway's copy of an order may trail a recovery round.
      const statusOf = async (id: string) => (await orderOf(system, id)).status;
      const before = await statusOf(orderId);
      // A pending order aged with it shows when a round has run.
      const witness = (await pendingOrder(buyer().token)).order;
      await queryOrdersDb(system, `update orders set created_at = created_at - interval '1 day' where id = any($1)`, [
        [orderId, witness.id],
      ]);
      await queryOrdersDb(
        system,
        `update payments set updated_at = updated_at - interval '7 days' where order_id = $1 and status = 'authorized'`,
        [orderId],
      );
      // Pending and paid orders are the system's to cancel: wait for it; for the others one round tells.
      await waitFor(
        'an expiry round',
        async () =>
          (await statusOf(witness.id)) === 'cancelled' &&
          (before === 'pending' || before === 'paid' ? (await statusOf(orderId)) !== before : true),
      );
      return null;
    }

    /** The machine's shortest way from pending to `status`, each step by an actor the API has a request for. */
    function pathTo(status: OrderStatus): [OrderStatus, ActorKind][] {
      const paths = new Map<OrderStatus, [OrderStatus, ActorKind][]>([[OrderStatus.Pending, []]]);
      for (const [from, path] of paths) {
        for (const [to, actors] of Object.entries(ORDER_TRANSITIONS[from]) as [OrderStatus, ActorKind[]][]) {
          const actor = actors.find((candidate) => candidate !== 'system' || to === OrderStatus.Paid);
          if (actor && !paths.has(to)) paths.set(to, [...path, [to, actor]]);
        }
      }
      return paths.get(status)!;
    }

    async function orderIn(status: OrderStatus): Promise<Placed> {
      const owner = buyer();
      const placed = { owner, ...(await pendingOrder(owner.token)) };
      for (const [to, actor] of pathTo(status)) expect((await request(actor, to)!(placed))?.status).toBeLessThan(300);
      return placed;
    }

    const cases = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.flatMap((to) =>
        ACTORS.map((actor) => ({ from, to, actor, allowed: ORDER_TRANSITIONS[from][to]?.includes(actor) ?? false })),
      ),
    );

    it.each(cases)('$from → $to by $actor: allowed $allowed', async ({ from, to, actor, allowed }) => {
      const ask = request(actor, to);
      // Nothing in the API asks for it, so the machine must not allow it either.
      if (!ask) return expect(allowed).toBe(false);
      const placed = await orderIn(from);
      // Asked of the orders app itself: a gateway's copy would hide for up to 1 s what expiry changed.
      const state = async () => {
        const { status, transitions, updatedAt } = await orderOf(system, placed.order.id);
        return { status, transitions, updatedAt, stock: await stockOf(system, placed.product.id) };
      };
      const before = await state();
      expect(before.status).toBe(from);
      const response = await ask(placed);
      if (allowed) {
        if (response) expect(response.status).toBeLessThan(300);
        const held = STOCK_FOR_STATUS[to] === 'released' ? 0 : 1;
        await waitFor('the catalog to follow', async () => (await state()).stock === 10 - held);
        const after = await state();
        expect(after.status).toBe(to);
        expect(after.transitions).toHaveLength(before.transitions.length + 1);
        expect(after.transitions.at(-1)).toMatchObject({ from, to, actorRole: ROLE[actor] });
      } else {
        if (response && actor === 'owner' && to !== OrderStatus.Cancelled) expectProblem(response, 403, 'FORBIDDEN');
        else if (response) {
          expectProblem(response, 409, 'INVALID_TRANSITION');
          expect(response.body).toMatchObject({ from, to });
        }
        expect(await state()).toEqual(before);
      }
    });
  });

  it('refuses anything after delivered, and cancelling a shipped order, for admins too', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    await pay(order.id, owner.token);
    await setStatus(order.id, 'shipped');
    expectProblem(await cancel(order.id, admin), 409, 'INVALID_TRANSITION');
    expectProblem(await cancel(order.id, owner.token), 409, 'INVALID_TRANSITION');
    expectProblem(await setStatus(order.id, 'paid'), 409, 'INVALID_TRANSITION');
    await setStatus(order.id, 'delivered');
    for (const to of ['pending', 'paid', 'shipped', 'cancelled'])
      expectProblem(await setStatus(order.id, to), 409, 'INVALID_TRANSITION');
    expectProblem(await setStatus(order.id, 'lost'), 400, 'VALIDATION_FAILED');
  });

  it('lets the owner cancel a pending order: its stock comes back and nothing more is allowed', async () => {
    const owner = buyer();
    const { order, product } = await pendingOrder(owner.token, 4);
    expect(await stockOf(system, product.id)).toBe(6);
    const cancelled = await cancel(order.id, owner.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.transitions.at(-1)).toMatchObject({
      from: 'pending',
      to: 'cancelled',
      actorRole: 'customer',
    });
    expect(await stockOf(system, product.id)).toBe(10);
    expectProblem(await pay(order.id, owner.token), 409, 'INVALID_TRANSITION');
    expectProblem(await setStatus(order.id, 'shipped'), 409, 'INVALID_TRANSITION');
  });

  it('lets the owner cancel a paid order: stock returns and the authorization is voided', async () => {
    const owner = buyer();
    const { order, product } = await pendingOrder(owner.token, 3);
    expect((await pay(order.id, owner.token)).status).toBe(201);
    const cancelled = await cancel(order.id, owner.token);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
    expect(await stockOf(system, product.id)).toBe(10);
    expect(await paymentStatuses(system, order.id)).toEqual(['voided']);
  });

  it('lets an admin cancel a paid order and records the admin as the actor', async () => {
    const owner = buyer();
    const { order, product } = await pendingOrder(owner.token, 2);
    await pay(order.id, owner.token);
    const cancelled = await cancel(order.id, admin);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.transitions.at(-1)).toMatchObject({ from: 'paid', to: 'cancelled', actorRole: 'admin' });
    expect(await stockOf(system, product.id)).toBe(10);
    expect(await paymentStatuses(system, order.id)).toEqual(['voided']);
  });

  it('returns the stock once when the same order is cancelled twice at the same time', async () => {
    const owner = buyer();
    const { order, product } = await pendingOrder(owner.token, 5);
    const [a, b, c] = await Promise.all([
      cancel(order.id, owner.token),
      cancel(order.id, owner.token),
      cancel(order.id, admin),
    ]);
    expect([a.status, b.status, c.status].sort()).toEqual([200, 409, 409]);
    expect(await stockOf(system, product.id)).toBe(10);
    const after = await getOrder(order.id, owner.token);
    expect(after.body.transitions.filter((transition: { to: string }) => transition.to === 'cancelled')).toHaveLength(
      1,
    );
  });
});

describe('payments with the test provider', () => {
  it('declines 4000 0000 0000 0002 with 402, leaves the order pending, and accepts a good card afterwards', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    const declined = await pay(order.id, owner.token, '4000 0000 0000 0002');
    expectProblem(declined, 402, 'PAYMENT_DECLINED');
    expect((await getOrder(order.id, owner.token)).body.status).toBe('pending');
    expect((await pay(order.id, owner.token)).status).toBe(201);
    expect((await getOrder(order.id, owner.token)).body.status).toBe('paid');
    expect(await paymentStatuses(system, order.id)).toEqual(['declined', 'authorized']);
  });

  it('never charges an order twice, even for concurrent requests with different keys', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        pay(order.id, owner.token, undefined, { 'idempotency-key': `pay-${index}` }),
      ),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(await paymentStatuses(system, order.id)).toEqual(['authorized']);
    for (const response of responses.filter((response) => response.status !== 201)) {
      expect(response.status).toBe(409);
      expect(['PAYMENT_IN_PROGRESS', 'INVALID_TRANSITION']).toContain(response.body.code);
    }
  });

  it('answers a repeated Idempotency-Key with the same payment', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    const headers = { 'idempotency-key': 'pay-once' };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => pay(order.id, owner.token, undefined, headers)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(5).fill(201));
    for (const response of responses) expect(response.body).toEqual(responses[0].body);
    expectProblem(await pay(order.id, owner.token, '4000 0000 0000 0002', headers), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('does not keep PAYMENT_IN_PROGRESS as the answer to an Idempotency-Key: once that payment fails, the key pays', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    // Another attempt, still waiting for its provider.
    const [other] = await queryOrdersDb(
      system,
      `insert into payments (id, order_id, provider, amount, currency, status)
       values ($1, $2, 'test', 1000, 'USD', 'processing') returning id`,
      [randomUUID(), order.id],
    );
    const headers = { 'idempotency-key': 'pay-after-the-other' };
    expectProblem(await pay(order.id, owner.token, undefined, headers), 409, 'PAYMENT_IN_PROGRESS');
    await queryOrdersDb(system, `update payments set status = 'declined' where id = $1`, [other.id]);
    const paid = await pay(order.id, owner.token, undefined, headers);
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ status: 'authorized' });
    expect((await getOrder(order.id, owner.token)).body.status).toBe('paid');
  });

  it('pays a zero-total order at once without asking the provider, and records why', async () => {
    const owner = buyer();
    const { order, product } = await pendingOrder(owner.token, 2, 0);
    expect(order.total).toBe(0);
    // The test provider declines this card: a 201 means it was never asked.
    const payment = await pay(order.id, owner.token, '4000 0000 0000 0002');
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ orderId: order.id, provider: 'none', status: 'captured', amount: 0 });
    const paid = (await getOrder(order.id, owner.token)).body;
    expect(paid.status).toBe('paid');
    expect(paid.transitions.at(-1)).toMatchObject({
      from: 'pending',
      to: 'paid',
      actorRole: 'system',
      reason: `payment ${payment.body.id}: nothing to charge, the total is 0`,
    });
    expectProblem(await pay(order.id, owner.token), 409, 'INVALID_TRANSITION');
    expect(await stockOf(system, product.id)).toBe(8);
    expect((await cancel(order.id, owner.token)).body.status).toBe('cancelled');
    expect(await stockOf(system, product.id)).toBe(10);
    expect(await paymentStatuses(system, order.id)).toEqual(['refunded']);
  });

  it('refuses an amount sent by the client', async () => {
    const owner = buyer();
    const { order } = await pendingOrder(owner.token);
    const response = await system.http.post(
      `/api/v1/orders/${order.id}/payments`,
      { paymentMethod: '4242424242424242', amount: 1 },
      { token: owner.token },
    );
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });
});

describe('documentation', () => {
  it('describes every order, cart and payment route in the OpenAPI document', async () => {
    const { paths } = (await system.http.get('/docs-json')).body;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/orders',
        '/api/v1/orders/{id}',
        '/api/v1/orders/{id}/cancel',
        '/api/v1/orders/{id}/status',
        '/api/v1/orders/{id}/payments',
        '/api/v1/cart',
        '/api/v1/cart/items',
        '/api/v1/cart/items/{productId}',
        '/api/v1/payments/webhooks/stripe',
      ]),
    );
    expect(Object.keys(paths['/api/v1/orders'].post.responses)).toEqual(
      expect.arrayContaining(['201', '404', '409', '422']),
    );
  });
});
