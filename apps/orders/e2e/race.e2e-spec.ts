import { signedToken, type TestSystem } from '@shop/testing';
import { newProduct, placeOrder, startShop, stockOf } from './orders-fixtures';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  ({ system, admin } = await startShop('orders_race'));
});
afterAll(() => system?.stop());

it('lets exactly 10 of 100 concurrent buyers have a product with stock 10, and 90 get a clean 409', async () => {
  const product = await newProduct(system, admin, { stock: 10, price: 500 });
  const buyers = Array.from({ length: 100 }, () => signedToken(system));

  const responses = await Promise.all(
    buyers.map(({ token }) => placeOrder(system, token, { items: [{ productId: product.id, quantity: 1 }] })),
  );

  const won = responses.filter((response) => response.status === 201);
  const lost = responses.filter((response) => response.status !== 201);
  expect(won).toHaveLength(10);
  expect(lost).toHaveLength(90);
  for (const response of lost) {
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      products: [{ productId: product.id, requested: 1 }],
    });
  }
  expect(won.every((response) => response.body.status === 'pending' && response.body.total === 500)).toBe(true);
  expect(await stockOf(system, product.id)).toBe(0);

  const orders = await system.http.get('/api/v1/orders?limit=100', { token: admin });
  expect(orders.body.total).toBe(10);
  const ordered = orders.body.items
    .flatMap((order: { items: { quantity: number }[] }) => order.items)
    .reduce((sum: number, item: { quantity: number }) => sum + item.quantity, 0);
  expect(ordered).toBe(10 - (await stockOf(system, product.id)));
});

it('keeps the books balanced when buyers race for several products with mixed quantities', async () => {
  const products = await Promise.all([7, 11, 13].map((stock) => newProduct(system, admin, { stock })));
  const buyers = Array.from({ length: 60 }, (_, index) => ({
    ...signedToken(system),
    items: [
      { productId: products[index % 3].id, quantity: 1 + (index % 2) },
      { productId: products[(index + 1) % 3].id, quantity: 1 },
    ],
  }));
  const responses = await Promise.all(buyers.map(({ token, items }) => placeOrder(system, token, { items })));
  expect(responses.every((response) => response.status === 201 || response.body.code === 'INSUFFICIENT_STOCK')).toBe(
    true,
  );

  const orders = (await system.http.get('/api/v1/orders?limit=100', { token: admin })).body.items as {
    items: { productId: string; quantity: number }[];
  }[];
  for (const [index, product] of products.entries()) {
    const ordered = orders
      .flatMap((order) => order.items)
      .filter((item) => item.productId === product.id)
      .reduce((sum, item) => sum + item.quantity, 0);
    expect({ product: index, left: await stockOf(system, product.id) }).toEqual({
      product: index,
      left: product.stock - ordered,
    });
  }
});
