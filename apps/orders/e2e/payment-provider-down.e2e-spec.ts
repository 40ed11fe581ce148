import { closedPort, signedToken, type TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { expectProblem, newProduct, placeOrder, queryOrdersDb, startShop } from './orders-fixtures';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  // Nothing listens there: every call to Stripe is refused at once.
  const stripePort = await closedPort();
  ({ system, admin } = await startShop('orders_provider_down', {
    STRIPE_SECRET_KEY: 'sk_test_123',
    STRIPE_WEBHOOK_SECRET: 'whsec_test',
    STRIPE_API_URL: `http://127.0.0.1:${stripePort}`,
  }));
});
afterAll(() => system?.stop());

async function pendingOrder() {
  const buyer = signedToken(system);
  const product = await newProduct(system, admin, { price: 990, stock: 5 });
  const order = (await placeOrder(system, buyer.token, { items: [{ productId: product.id, quantity: 1 }] })).body;
  return { buyer, order };
}

const paymentsOf = (orderId: string) =>
  queryOrdersDb(system, 'select status from payments where order_id = $1', [orderId]).then((rows) =>
    rows.map((row) => row.status),
  );

it('answers a payment with 502 PAYMENT_PROVIDER_UNAVAILABLE, and keeps the attempt for recovery', async () => {
  const { buyer, order } = await pendingOrder();
  const paid = await system.http.post(
    `/api/v1/orders/${order.id}/payments`,
    { paymentMethod: 'pm_card_visa' },
    { token: buyer.token },
  );
  expectProblem(paid, 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
  expect(paid.headers.get('content-type')).toContain('application/problem+json');
  expect(await paymentsOf(order.id)).toEqual(['processing']);
  expect((await system.http.get(`/api/v1/orders/${order.id}`, { token: buyer.token })).body.status).toBe('pending');
});

it('refuses to ship with 502 PAYMENT_PROVIDER_UNAVAILABLE when the capture cannot reach Stripe: the order stays paid', async () => {
  const { buyer, order } = await pendingOrder();
  // Authorized while Stripe could still be reached.
  await queryOrdersDb(system, `update orders set status = 'paid' where id = $1`, [order.id]);
  await queryOrdersDb(
    system,
    `insert into payments (id, order_id, provider, provider_ref, amount, currency, status)
     values ($1, $2, 'stripe', 'pi_unreachable', 990, 'USD', 'authorized')`,
    [randomUUID(), order.id],
  );
  const shipped = await system.http.patch(
    `/api/v1/orders/${order.id}/status`,
    { status: 'shipped', carrier: 'DHL', trackingNumber: 'JD1' },
    { token: admin },
  );
  expectProblem(shipped, 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
  expect((await system.http.get(`/api/v1/orders/${order.id}`, { token: buyer.token })).body).toMatchObject({
    status: 'paid',
    paymentStatus: 'authorized',
    carrier: null,
    trackingNumber: null,
  });

  // A cancel still cancels; the void is left to recovery, which retries until Stripe answers.
  const cancelled = await system.http.post(`/api/v1/orders/${order.id}/cancel`, undefined, { token: buyer.token });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ status: 'cancelled', paymentStatus: 'authorized' });
});
