import { signedToken, type TestSystem, waitFor } from '@shop/testing';
import { newProduct, placeOrder, startShop, stockOf } from './orders-fixtures';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  ({ system, admin } = await startShop('orders_expiry', { ORDER_TTL_SECONDS: '2' }));
});
afterAll(() => system?.stop());

it('cancels unpaid orders after ORDER_TTL_SECONDS and releases their stock, but keeps paid ones', async () => {
  const product = await newProduct(system, admin, { stock: 10 });
  const buyer = signedToken(system);
  const unpaid = (await placeOrder(system, buyer.token, { items: [{ productId: product.id, quantity: 3 }] })).body;
  const paid = (await placeOrder(system, buyer.token, { items: [{ productId: product.id, quantity: 2 }] })).body;
  const payment = await system.http.post(
    `/api/v1/orders/${paid.id}/payments`,
    { paymentMethod: '4242424242424242' },
    { token: buyer.token },
  );
  expect(payment.status).toBe(201);
  expect(await stockOf(system, product.id)).toBe(5);

  const read = (id: string) => system.http.get(`/api/v1/orders/${id}`, { token: buyer.token });
  await waitFor('the unpaid order to expire', async () => (await read(unpaid.id)).body.status === 'cancelled');
  const expired = (await read(unpaid.id)).body;
  expect(expired.transitions.at(-1)).toMatchObject({
    from: 'pending',
    to: 'cancelled',
    actorRole: 'system',
    actorId: null,
    reason: 'expired',
  });
  // The catalog follows the status after the move commits (recovery retries it if it fails), so
  // the order can read cancelled a moment before its units are back.
  await waitFor("the expired order's units back in stock", async () => (await stockOf(system, product.id)) === 8);
  expect((await read(paid.id)).body.status).toBe('paid');
});
