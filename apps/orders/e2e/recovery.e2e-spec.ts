import { CatalogPattern, type ReservationDto } from '@shop/contracts';
import { ServiceClient } from '@shop/service-defaults';
import { signedToken, type TestSystem, waitFor } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { newProduct, placeOrder, restartOrders, startShop, stockOf } from './orders-fixtures';

let system: TestSystem;
let admin: string;
let ordersDb: Pool;
let catalog: ServiceClient;

beforeAll(async () => {
  ({ system, admin } = await startShop('orders_recovery', { STUCK_ORDER_SECONDS: '1' }));
  ordersDb = new Pool({ connectionString: system.databaseUrl('orders'), max: 2 });
  catalog = ServiceClient.tcp('catalog', system.address('catalog'), 5000);
});
afterAll(async () => {
  catalog?.close();
  await ordersDb?.end();
  await system?.stop();
});

const halfDone = async () => Number((await ordersDb.query(`select count(*) from orders where status in ('reserving', 'abandoned')`)).rows[0].count);

/** Orders clients can see, with what they hold of `productId`. */
async function orderedUnits(productId: string): Promise<number> {
  const orders = (await system.http.get('/api/v1/orders?limit=100', { token: admin })).body.items as { status: string; items: { productId: string; quantity: number }[] }[];
  return orders
    .filter((order) => order.status !== 'cancelled')
    .flatMap((order) => order.items)
    .filter((item) => item.productId === productId)
    .reduce((sum, item) => sum + item.quantity, 0);
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
  const orderId = await orderLeftReserving(userId);
  const reserved = await catalog.send<ReservationDto>(CatalogPattern.Reserve, { orderId, lines: [{ productId: product.id, quantity: 4 }] });
  expect(reserved.status).toBe('reserved');
  expect(await stockOf(system, product.id)).toBe(6);

  await waitFor('recovery of the half-placed order', async () => (await halfDone()) === 0);
  expect(await stockOf(system, product.id)).toBe(10);
  expect((await system.http.get(`/api/v1/orders/${orderId}`, { token })).status).toBe(404);
});

it('refuses a reserve that arrives after recovery gave its order up', async () => {
  const product = await newProduct(system, admin, { stock: 10 });
  const orderId = await orderLeftReserving(randomUUID());
  await waitFor('recovery of the half-placed order', async () => (await halfDone()) === 0);

  const late = catalog.send(CatalogPattern.Reserve, { orderId, lines: [{ productId: product.id, quantity: 4 }] });
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

  await system.startApp('catalog');
  await system.waitUntilReady();
  await waitFor('recovery after the catalog restart', async () => (await halfDone()) === 0);
  const ordered = await orderedUnits(product.id);
  expect(ordered).toBe(2 * statuses.filter((status) => status === 201).length);
  expect(await stockOf(system, product.id)).toBe(1000 - ordered);
});

it('leaves no stock without an order when the orders app itself is killed mid-checkout', async () => {
  const product = await newProduct(system, admin, { stock: 1000 });
  const buyers = Array.from({ length: 80 }, () => signedToken(system));
  let killed: Promise<unknown> | undefined;
  await Promise.all(
    buyers.map(async ({ token }) => {
      const response = await placeOrder(system, token, { items: [{ productId: product.id, quantity: 1 }] });
      killed ??= system.stopApp('orders', 'SIGKILL');
      return response;
    }),
  );
  await killed;
  await restartOrders(system, 'SIGKILL');

  await waitFor('recovery after the orders restart', async () => (await halfDone()) === 0);
  const ordered = await orderedUnits(product.id);
  expect(await stockOf(system, product.id)).toBe(1000 - ordered);
});
