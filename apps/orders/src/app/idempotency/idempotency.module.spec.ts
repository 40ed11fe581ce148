import { ErrorCode } from '@shop/contracts';
import { eq } from 'drizzle-orm';
import { customer, type OrdersHarness, startOrdersModules } from '../../testing/orders-module.harness';
import { SHIP_TO } from '../../testing/fake-address-book';
import { orders } from '../db/schema';
import { OrderPlacement } from '../orders/order-placement.service';

let shop: OrdersHarness;

beforeAll(async () => (shop = await startOrdersModules()));
afterAll(() => shop?.close());

describe('Idempotency-Key (IdempotencyModule through order placement, on PGlite)', () => {
  it('places one order for one key, however many requests carry it at once', async () => {
    const product = shop.catalog.addProduct({ stock: 100 });
    const actor = customer();
    const request = {
      actor,
      shippingAddress: SHIP_TO,
      idempotencyKey: 'checkout-1',
      items: [{ productId: product.id, quantity: 2 }],
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => shop.get(OrderPlacement).create(request)));
    expect(new Set(answers.map((order) => order.id)).size).toBe(1);
    expect(await shop.db.select().from(orders).where(eq(orders.userId, actor.id))).toHaveLength(1);
    expect(shop.catalog.stockOf(product.id)).toBe(98);
    // A later retry gets the same order back.
    expect((await shop.get(OrderPlacement).create(request)).id).toBe(answers[0].id);
  });

  it('refuses the same key for another request (422), and keeps keys per user', async () => {
    const product = shop.catalog.addProduct({ stock: 100 });
    const actor = customer();
    await shop.get(OrderPlacement).create({
      actor,
      shippingAddress: SHIP_TO,
      idempotencyKey: 'k',
      items: [{ productId: product.id, quantity: 1 }],
    });
    await expect(
      shop.get(OrderPlacement).create({
        actor,
        shippingAddress: SHIP_TO,
        idempotencyKey: 'k',
        items: [{ productId: product.id, quantity: 2 }],
      }),
    ).rejects.toMatchObject({ status: 422, code: ErrorCode.IdempotencyKeyReused });
    const other = await shop.get(OrderPlacement).create({
      actor: customer(),
      shippingAddress: SHIP_TO,
      idempotencyKey: 'k',
      items: [{ productId: product.id, quantity: 1 }],
    });
    expect(other.status).toBe('pending');
    expect(shop.catalog.stockOf(product.id)).toBe(98);
  });

  it('gives the key back when the first attempt failed in a way worth retrying', async () => {
    const product = shop.catalog.addProduct({ stock: 3 });
    const request = {
      actor: customer(),
      shippingAddress: SHIP_TO,
      idempotencyKey: 'retry-me',
      items: [{ productId: product.id, quantity: 1 }],
    };
    shop.catalog.failNext('reserve');
    await expect(shop.get(OrderPlacement).create(request)).rejects.toMatchObject({ status: 503 });
    const order = await shop.get(OrderPlacement).create(request);
    expect(order.status).toBe('pending');
    expect(shop.catalog.stockOf(product.id)).toBe(2);
  });
});
