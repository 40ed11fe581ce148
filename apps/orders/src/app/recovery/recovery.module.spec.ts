import { ErrorCode, OrderStatus } from '@shop/contracts';
import { and, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { customer, type OrdersHarness, startOrdersModules } from '../../testing/orders-module.harness';
import { SHIP_TO } from '../../testing/fake-address-book';
import { idempotencyKeys, orders } from '../db/schema';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { OrderPlacement } from '../orders/order-placement.service';
import { OrderStore } from '../orders/order.store';
import { OrderRecovery } from './order-recovery.service';

let shop: OrdersHarness;

beforeAll(async () => (shop = await startOrdersModules()));
afterAll(() => shop?.close());

/** What a request that died after its reserve left: the order reserving, its stock held at the catalog. */
async function crashedMidPlacement(productId: string, quantity: number, ageSeconds: number): Promise<string> {
  const orderId = randomUUID();
  const shipTo = { ...SHIP_TO, line2: null, region: null, postalCode: null, phone: null };
  await shop.get(OrderStore).insertReserving(orderId, customer().id, shipTo, undefined);
  await shop.catalog.reserve({ orderId, lines: [{ productId, quantity }] });
  await age(orderId, ageSeconds);
  return orderId;
}

const age = (orderId: string, seconds: number) =>
  shop.db
    .update(orders)
    .set({
      createdAt: sql`now() - make_interval(secs => ${seconds})`,
      updatedAt: sql`now() - make_interval(secs => ${seconds})`,
    })
    .where(eq(orders.id, orderId));

const keyOf = async (userId: string, key: string) =>
  (
    await shop.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
  )[0];

const rowOf = async (orderId: string) => (await shop.db.select().from(orders).where(eq(orders.id, orderId)))[0];

describe('recovery (RecoveryModule with the real orders and payments modules, on PGlite)', () => {
  it('undoes exactly what a crash left behind, and nothing a live request still owns', async () => {
    const product = shop.catalog.addProduct({ stock: 10 });
    const crashed = await crashedMidPlacement(product.id, 3, 120);
    const inFlight = await crashedMidPlacement(product.id, 2, 0);
    const placed = await shop
      .get(OrderPlacement)
      .create({ actor: customer(), shippingAddress: SHIP_TO, items: [{ productId: product.id, quantity: 1 }] });
    expect(shop.catalog.stockOf(product.id)).toBe(4);

    await shop.get(OrderRecovery).runOnce();

    expect(await rowOf(crashed)).toBeUndefined();
    expect(shop.catalog.reservations.get(crashed)?.status).toBe('released');
    expect((await rowOf(inFlight))?.status).toBe('reserving');
    expect((await rowOf(placed.id))?.status).toBe(OrderStatus.Pending);
    expect(shop.catalog.stockOf(product.id)).toBe(7);
    // The crashed request's reserve, were it still in flight, is refused rather than holding stock again.
    await expect(
      shop.catalog.reserve({ orderId: crashed, lines: [{ productId: product.id, quantity: 3 }] }),
    ).rejects.toMatchObject({ code: ErrorCode.ReservationReleased });
  });

  it('undoes an order whose request died after claiming its key, and frees the key for a retry', async () => {
    const product = shop.catalog.addProduct({ stock: 5 });
    const actor = customer();
    const request = {
      actor,
      shippingAddress: SHIP_TO,
      idempotencyKey: 'died-mid-checkout',
      items: [{ productId: product.id, quantity: 2 }],
    };
    const reserved = shop.catalog.loseNextAnswer('reserve');
    // Never settles: the request dies with the catalog's answer in flight, its key claimed with its order.
    void shop.get(OrderPlacement).create(request);
    await reserved;
    const [left] = await shop.db.select().from(orders).where(eq(orders.userId, actor.id));
    expect(left.status).toBe('reserving');
    expect(await keyOf(actor.id, request.idempotencyKey)).toMatchObject({ response: null, error: null });
    await age(left.id, 120);
    await shop.db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - make_interval(secs => 120)` })
      .where(eq(idempotencyKeys.userId, actor.id));

    await shop.get(OrderRecovery).runOnce();

    expect(await rowOf(left.id)).toBeUndefined();
    expect(shop.catalog.reservations.get(left.id)?.status).toBe('released');
    expect(await keyOf(actor.id, request.idempotencyKey)).toBeUndefined();
    expect(shop.catalog.stockOf(product.id)).toBe(5);
    // The client's retry with its key places the order, once.
    const placed = await shop.get(OrderPlacement).create(request);
    expect(placed.status).toBe(OrderStatus.Pending);
    expect(await shop.db.select().from(orders).where(eq(orders.userId, actor.id))).toHaveLength(1);
    expect(shop.catalog.stockOf(product.id)).toBe(3);
    expect((await keyOf(actor.id, request.idempotencyKey))?.response).toEqual(placed);
  });

  it('retries a release the catalog missed when an order was cancelled', async () => {
    const product = shop.catalog.addProduct({ stock: 6 });
    const actor = customer();
    const order = await shop
      .get(OrderPlacement)
      .create({ actor, shippingAddress: SHIP_TO, items: [{ productId: product.id, quantity: 4 }] });
    shop.catalog.failNext('release');
    await shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, actor);
    expect((await rowOf(order.id))?.stock).toBe('held');
    expect(shop.catalog.stockOf(product.id)).toBe(2);

    await shop.get(OrderRecovery).runOnce();

    expect((await rowOf(order.id))?.stock).toBe('released');
    expect(shop.catalog.stockOf(product.id)).toBe(6);
  });

  it('keeps trying an abandoned order whose release failed, and undoes it once the catalog answers', async () => {
    const product = shop.catalog.addProduct({ stock: 5 });
    const crashed = await crashedMidPlacement(product.id, 5, 120);
    shop.catalog.failNext('release');
    await shop.get(OrderRecovery).runOnce();
    expect((await rowOf(crashed))?.status).toBe('abandoned');
    expect(shop.catalog.stockOf(product.id)).toBe(0);

    await shop.get(OrderRecovery).runOnce();
    expect(await rowOf(crashed)).toBeUndefined();
    expect(shop.catalog.stockOf(product.id)).toBe(5);
  });
});
