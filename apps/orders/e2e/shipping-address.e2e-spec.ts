import { newCustomer, signedToken, TEST_ADDRESS, type TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { expectProblem, newProduct, startShop, stockOf } from './orders-fixtures';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  ({ system, admin } = await startShop('shipping-address'));
});
afterAll(() => system?.stop());

const order = (token: string, body: object) => system.http.post('/api/v1/orders', body, { token });
const addAddress = async (token: string, body: object) => {
  const response = await system.http.post('/api/v1/auth/me/addresses', body, { token });
  if (response.status !== 201) throw new Error(`address: ${response.status} ${response.text}`);
  return response.body as { id: string };
};
const snapshot = (fields: object) => ({ line2: null, region: null, postalCode: null, phone: null, ...fields });

describe('checkout ships to an address', () => {
  it('copies a book entry onto the order; editing or deleting the entry later never changes the order', async () => {
    const buyer = await newCustomer(system);
    const product = await newProduct(system, admin);
    const entry = await addAddress(buyer.token, { ...TEST_ADDRESS, phone: '+442079460000' });
    const placed = await order(buyer.token, {
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddressId: entry.id,
    });
    expect(placed.status).toBe(201);
    const copy = snapshot({ ...TEST_ADDRESS, phone: '+442079460000' });
    expect(placed.body.shippingAddress).toEqual(copy);

    const edited = await system.http.request('PATCH', `/api/v1/auth/me/addresses/${entry.id}`, {
      token: buyer.token,
      body: { line1: '99 Elsewhere Rd', city: 'Leeds' },
    });
    expect(edited.status).toBe(200);
    expect(
      (await system.http.get(`/api/v1/orders/${placed.body.id}`, { token: buyer.token })).body.shippingAddress,
    ).toEqual(copy);
    expect(
      (await system.http.request('DELETE', `/api/v1/auth/me/addresses/${entry.id}`, { token: buyer.token })).status,
    ).toBe(204);
    expect(
      (await system.http.get(`/api/v1/orders/${placed.body.id}`, { token: buyer.token })).body.shippingAddress,
    ).toEqual(copy);
    // The deleted entry can no longer be shipped to.
    expectProblem(
      await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }], shippingAddressId: entry.id }),
      404,
      'NOT_FOUND',
    );
  });

  it('takes an address given inline, and checks out the cart with one', async () => {
    const buyer = signedToken(system);
    const product = await newProduct(system, admin, { stock: 5 });
    await system.http.post('/api/v1/cart/items', { productId: product.id, quantity: 2 }, { token: buyer.token });
    const placed = await order(buyer.token, { shippingAddress: { ...TEST_ADDRESS, country: 'de', city: ' Berlin ' } });
    expect(placed.status).toBe(201);
    expect(placed.body.shippingAddress).toEqual(snapshot({ ...TEST_ADDRESS, country: 'DE', city: 'Berlin' }));
    expect(placed.body.items).toHaveLength(1);
    expect(await stockOf(system, product.id)).toBe(3);
  });

  it("refuses another user's book entry with 404, and holds no stock", async () => {
    const owner = await newCustomer(system);
    const buyer = await newCustomer(system);
    const product = await newProduct(system, admin, { stock: 5 });
    const entry = await addAddress(owner.token, TEST_ADDRESS);
    expectProblem(
      await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }], shippingAddressId: entry.id }),
      404,
      'NOT_FOUND',
    );
    expect(await stockOf(system, product.id)).toBe(5);
    expect((await system.http.get('/api/v1/orders', { token: buyer.token })).body.total).toBe(0);
  });

  it.each([
    ['no address at all', {}, 'shippingAddressId'],
    [
      'both an id and an inline address',
      { shippingAddressId: randomUUID(), shippingAddress: TEST_ADDRESS },
      'shippingAddressId',
    ],
    ['an id that is not a UUID', { shippingAddressId: 'home' }, 'shippingAddressId'],
    [
      'an inline address with an unknown country',
      { shippingAddress: { ...TEST_ADDRESS, country: 'ZZ' } },
      'shippingAddress.country',
    ],
    [
      'an inline address without line1',
      { shippingAddress: { ...TEST_ADDRESS, line1: undefined } },
      'shippingAddress.line1',
    ],
    ['a null inline address', { shippingAddress: null }, 'shippingAddress'],
  ])('refuses %s with 400 naming the field, and places nothing', async (_, body, field) => {
    const buyer = signedToken(system);
    const product = await newProduct(system, admin, { stock: 5 });
    const response = await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }], ...body });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(Object.keys(response.body.errors)).toContain(field);
    expect(await stockOf(system, product.id)).toBe(5);
  });
});
