import { signedToken, TEST_ADDRESS, type TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { expectProblem, newProduct, placeOrder, startShop, stockOf } from './orders-fixtures';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  ({ system, admin } = await startShop('orders_cart'));
});
afterAll(() => system?.stop());

const cart = (token: string) => system.http.get('/api/v1/cart', { token });
const add = (token: string, productId: string, quantity: number) =>
  system.http.post('/api/v1/cart/items', { productId, quantity }, { token });
const set = (token: string, productId: string, quantity: number) =>
  system.http.put(`/api/v1/cart/items/${productId}`, { quantity }, { token });
const remove = (token: string, productId: string) => system.http.delete(`/api/v1/cart/items/${productId}`, { token });

describe('cart', () => {
  it('starts empty', async () => {
    expect((await cart(signedToken(system).token)).body).toEqual({
      items: [],
      total: 0,
      currency: null,
      mixedCurrencies: false,
      totals: [],
    });
  });

  it('adds, sums repeated adds, and shows current catalog prices and stock', async () => {
    const { token } = signedToken(system);
    const product = await newProduct(system, admin, { price: 250, stock: 4 });
    expect((await add(token, product.id, 2)).status).toBe(200);
    const response = await add(token, product.id, 3);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          productId: product.id,
          sku: product.sku,
          name: product.name,
          unitPrice: 250,
          currency: 'USD',
          quantity: 5,
          lineTotal: 1250,
          stock: 4,
          inStock: false,
        },
      ],
      total: 1250,
      currency: 'USD',
      mixedCurrencies: false,
      totals: [{ currency: 'USD', total: 1250 }],
    });
    const repriced = await system.http.patch(
      `/api/v1/products/${product.id}`,
      { price: 300, version: 1 },
      { token: admin },
    );
    expect(repriced.status).toBe(200);
    expect((await cart(token)).body).toMatchObject({ items: [{ unitPrice: 300, lineTotal: 1500 }], total: 1500 });
  });

  it('never adds amounts in different currencies: no single total, one per currency, and a flag', async () => {
    const { token } = signedToken(system);
    const dollars = await newProduct(system, admin, { price: 100, currency: 'USD' });
    const euros = await newProduct(system, admin, { price: 100, currency: 'EUR' });
    const moreEuros = await newProduct(system, admin, { price: 250, currency: 'EUR' });
    await add(token, dollars.id, 1);
    await add(token, euros.id, 1);
    const response = await add(token, moreEuros.id, 2);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      total: null,
      currency: null,
      mixedCurrencies: true,
      totals: [
        { currency: 'EUR', total: 600 },
        { currency: 'USD', total: 100 },
      ],
    });
    expect(response.body.items.map((item: { currency: string }) => item.currency)).toEqual(['USD', 'EUR', 'EUR']);
    // The flag says it ahead of time: one order has one currency.
    expectProblem(await placeOrder(system, token), 422, 'MIXED_CURRENCIES');
    expect((await remove(token, dollars.id)).status).toBe(204);
    expect((await cart(token)).body).toMatchObject({
      total: 600,
      currency: 'EUR',
      mixedCurrencies: false,
      totals: [{ currency: 'EUR', total: 600 }],
    });
  });

  it('sets a quantity, and 0 removes the line', async () => {
    const { token } = signedToken(system);
    const a = await newProduct(system, admin, { price: 100 });
    const b = await newProduct(system, admin, { price: 10 });
    await add(token, a.id, 1);
    await add(token, b.id, 1);
    expect((await set(token, a.id, 7)).body).toMatchObject({
      items: [
        { productId: a.id, quantity: 7 },
        { productId: b.id, quantity: 1 },
      ],
      total: 710,
    });
    expect((await set(token, b.id, 0)).body).toMatchObject({ items: [{ productId: a.id, quantity: 7 }], total: 700 });
  });

  it('removes one line, then clears the rest', async () => {
    const { token } = signedToken(system);
    const a = await newProduct(system, admin);
    const b = await newProduct(system, admin);
    await add(token, a.id, 1);
    await add(token, b.id, 1);
    expect((await remove(token, a.id)).status).toBe(204);
    expect((await cart(token)).body.items.map((item: { productId: string }) => item.productId)).toEqual([b.id]);
    expectProblem(await remove(token, a.id), 404, 'NOT_FOUND');
    expect((await system.http.delete('/api/v1/cart', { token })).status).toBe(204);
    expect((await cart(token)).body.items).toEqual([]);
  });

  it('refuses an unknown product with 404 and bad quantities with 400', async () => {
    const { token } = signedToken(system);
    expectProblem(await add(token, randomUUID(), 1), 404, 'NOT_FOUND');
    expectProblem(await set(token, randomUUID(), 1), 404, 'NOT_FOUND');
    const product = await newProduct(system, admin);
    for (const quantity of [0, -2, 2.5, 1001])
      expectProblem(await add(token, product.id, quantity), 400, 'VALIDATION_FAILED');
    expectProblem(await set(token, product.id, 1001), 400, 'VALIDATION_FAILED');
    expectProblem(await set(token, 'not-a-uuid', 1), 400, 'VALIDATION_FAILED');
    await add(token, product.id, 600);
    expectProblem(await add(token, product.id, 401), 400, 'VALIDATION_FAILED');
    expect((await cart(token)).body.items[0].quantity).toBe(600);
  });

  it('holds at most 100 products, so it can always be checked out', async () => {
    const { token } = signedToken(system);
    // Made one at a time: a hundred at once is a load test of the catalog, and on a busy machine
    // one of them can outlast the gateway's upstream timeout.
    const products = [];
    for (let i = 0; i < 101; i++) products.push(await newProduct(system, admin, { price: 1, stock: 1 }));
    for (const product of products.slice(0, 100)) expect((await add(token, product.id, 1)).status).toBe(200);
    const response = await add(token, products[100].id, 1);
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toHaveProperty('productId');
    expect((await set(token, products[0].id, 1)).status).toBe(200);
    const order = await placeOrder(system, token);
    expect(order.status).toBe(201);
    expect(order.body.items).toHaveLength(100);
  });

  it('is private: another customer neither sees nor changes it', async () => {
    const alice = signedToken(system);
    const bob = signedToken(system);
    const product = await newProduct(system, admin);
    await add(alice.token, product.id, 2);
    expect((await cart(bob.token)).body.items).toEqual([]);
    expectProblem(await remove(bob.token, product.id), 404, 'NOT_FOUND');
    await system.http.delete('/api/v1/cart', { token: bob.token });
    await set(bob.token, product.id, 9);
    expect((await cart(alice.token)).body.items).toEqual([
      expect.objectContaining({ productId: product.id, quantity: 2 }),
    ]);
  });

  it('checks out into an order at catalog prices and is emptied on success', async () => {
    const { token } = signedToken(system);
    const a = await newProduct(system, admin, { price: 120, stock: 5 });
    const b = await newProduct(system, admin, { price: 80, stock: 5 });
    await add(token, a.id, 2);
    await add(token, b.id, 1);
    // No items, as a client checking out its cart would send it.
    const order = await system.http.post('/api/v1/orders', { shippingAddress: TEST_ADDRESS }, { token });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'pending', total: 320, currency: 'USD' });
    expect(order.body.items).toHaveLength(2);
    expect((await cart(token)).body.items).toEqual([]);
    expect(await stockOf(system, a.id)).toBe(3);
  });

  it('keeps the cart when checkout fails for lack of stock', async () => {
    const { token } = signedToken(system);
    const product = await newProduct(system, admin, { stock: 1 });
    await add(token, product.id, 2);
    expectProblem(await placeOrder(system, token), 409, 'INSUFFICIENT_STOCK');
    expect((await cart(token)).body.items).toEqual([expect.objectContaining({ quantity: 2, inStock: false })]);
    expect(await stockOf(system, product.id)).toBe(1);
  });
});
