import { randomUUID } from 'node:crypto';
import { ErrorCode, OrderStatus } from '@shop/contracts';
import { eq } from 'drizzle-orm';
import { customer, type OrdersHarness, startOrdersModules } from '../../testing/orders-module.harness';
import { SHIP_TO } from '../../testing/fake-address-book';
import { idempotencyKeys, orders, outbox } from '../db/schema';
import { OrderPlacement } from './order-placement.service';
import { OrderStore } from './order.store';

let shop: OrdersHarness;
let placement: OrderPlacement;

beforeAll(async () => {
  shop = await startOrdersModules();
  placement = shop.get(OrderPlacement);
});
afterAll(() => shop?.close());

describe('placing orders (OrdersModule on PGlite, catalog faked)', () => {
  it("places an order at the catalog's prices, pending with its stock held", async () => {
    const product = shop.catalog.addProduct({ price: 1250, stock: 10 });
    const order = await placement.create({
      actor: customer(),
      shippingAddress: SHIP_TO,
      items: [{ productId: product.id, quantity: 3 }],
    });
    expect(order).toMatchObject({ status: OrderStatus.Pending, total: 3750, currency: 'USD' });
    expect(shop.catalog.stockOf(product.id)).toBe(7);
    expect(shop.catalog.reservations.get(order.id)?.status).toBe('reserved');
    // Written in the placing transaction: the order as it stands, lines and total.
    const events = await shop.db.select().from(outbox).where(eq(outbox.aggregateId, order.id));
    expect(events.map((event) => [event.type, (event.envelope as { payload: object }).payload])).toEqual([
      [
        'order.placed',
        expect.objectContaining({
          orderId: order.id,
          status: 'pending',
          total: 3750,
          currency: 'USD',
          lines: [expect.objectContaining({ productId: product.id, quantity: 3, unitPrice: 1250, lineTotal: 3750 })],
        }),
      ],
    ]);
  });

  it('never sells more than the stock when buyers race for it', async () => {
    const product = shop.catalog.addProduct({ stock: 5 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        placement.create({
          actor: customer(),
          shippingAddress: SHIP_TO,
          items: [{ productId: product.id, quantity: 1 }],
        }),
      ),
    );
    const placed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(placed).toHaveLength(5);
    for (const outcome of refused) expect(outcome.reason).toMatchObject({ code: ErrorCode.InsufficientStock });
    expect(shop.catalog.stockOf(product.id)).toBe(0);
    // The refused ones left nothing behind: no row reserving, every stored order is a placed one.
    const rows = await shop.db.select().from(orders);
    expect(rows.filter((row) => row.status === 'reserving')).toEqual([]);
    const placedIds = placed.map((outcome) => (outcome as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(placedIds.every((id) => rows.some((row) => row.id === id && row.status === OrderStatus.Pending))).toBe(true);
  });

  it('forgets an order the catalog could not answer for, and releases whatever it may have reserved', async () => {
    const product = shop.catalog.addProduct({ stock: 4 });
    shop.catalog.failNext('reserve');
    await expect(
      placement.create({
        actor: customer(),
        shippingAddress: SHIP_TO,
        items: [{ productId: product.id, quantity: 2 }],
      }),
    ).rejects.toMatchObject({ status: 503 });
    const released = [...shop.catalog.calls].reverse().find((call) => call.call === 'release');
    expect(released).toBeDefined();
    expect(await shop.db.select().from(orders).where(eq(orders.id, released!.orderId!))).toEqual([]);
    // The release left a tombstone: a reserve still in flight for that order is refused.
    await expect(
      shop.catalog.reserve({ orderId: released!.orderId!, lines: [{ productId: product.id, quantity: 2 }] }),
    ).rejects.toMatchObject({ code: ErrorCode.ReservationReleased });
    expect(shop.catalog.stockOf(product.id)).toBe(4);
  });
});

describe('orders placed together (group commit)', () => {
  afterEach(() => jest.restoreAllMocks());

  const place = (productId: string, idempotencyKey?: string, actor = customer()) =>
    placement.create({ actor, idempotencyKey, shippingAddress: SHIP_TO, items: [{ productId, quantity: 1 }] });

  it('share their statements, each order still with its own items, transition, event and answer', async () => {
    const confirmStatements = jest.spyOn(
      shop.get(OrderStore) as unknown as { confirmBatch: (rows: unknown[]) => Promise<unknown[]> },
      'confirmBatch',
    );
    const products = Array.from({ length: 8 }, (_, i) => shop.catalog.addProduct({ price: 100 * (i + 1), stock: 1 }));
    const placed = await Promise.all(products.map((product, i) => place(product.id, `together-${i}-${randomUUID()}`)));

    expect(Math.max(...confirmStatements.mock.calls.map(([rows]) => rows.length))).toBeGreaterThan(1);
    for (const [i, order] of placed.entries()) {
      expect(order).toMatchObject({ status: OrderStatus.Pending, total: 100 * (i + 1) });
      expect(order.items).toEqual([expect.objectContaining({ productId: products[i].id, quantity: 1 })]);
      expect(order.transitions).toEqual([expect.objectContaining({ from: null, to: OrderStatus.Pending })]);
      const events = await shop.db.select().from(outbox).where(eq(outbox.aggregateId, order.id));
      expect(events.map((event) => event.type)).toEqual(['order.placed']);
      const [answer] = await shop.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, order.userId));
      expect(answer.response).toEqual(JSON.parse(JSON.stringify(order)));
    }
  });

  it('give one Idempotency-Key sent twice at once a single order', async () => {
    const product = shop.catalog.addProduct({ stock: 5 });
    const actor = customer();
    const key = `twice-${randomUUID()}`;
    const [first, second] = await Promise.all([place(product.id, key, actor), place(product.id, key, actor)]);
    expect(second.id).toBe(first.id);
    expect(shop.catalog.stockOf(product.id)).toBe(4);
    expect(await shop.db.select().from(orders).where(eq(orders.userId, actor.id))).toHaveLength(1);
  });

  it("keep one order's failure its own: the others of its statement are placed", async () => {
    const product = shop.catalog.addProduct({ stock: 10 });
    const actor = customer();
    const key = `purged-${randomUUID()}`;
    const earlier = await place(product.id, key, actor);
    // The key's claim is purged while its order stays: writing the order again breaks a unique index.
    await shop.db.delete(idempotencyKeys).where(eq(idempotencyKeys.userId, actor.id));
    const inserts = jest.spyOn(
      shop.get(OrderStore) as unknown as { insertReservingRows: (rows: unknown[]) => Promise<boolean[]> },
      'insertReservingRows',
    );

    const [again, ...others] = await Promise.all([
      place(product.id, key, actor),
      ...Array.from({ length: 4 }, () => place(product.id)),
    ]);
    // The batch failed as a whole, then each order was written alone.
    expect(inserts.mock.calls.map(([rows]) => rows.length)).toEqual([5, 1, 1, 1, 1, 1]);
    expect(again.id).toBe(earlier.id);
    for (const order of others) expect(order).toMatchObject({ status: OrderStatus.Pending });
    expect(shop.catalog.stockOf(product.id)).toBe(5);
  });
});

describe('the shipping address of an order (address book faked)', () => {
  it('keeps a copy of the book entry it was placed with, which later edits do not change', async () => {
    const product = shop.catalog.addProduct({ stock: 10 });
    const actor = customer();
    const entry = shop.addressBook.add(actor.id, { ...SHIP_TO, line2: 'Flat 3' });
    const order = await placement.create({
      actor,
      shippingAddressId: entry.id,
      items: [{ productId: product.id, quantity: 1 }],
    });
    shop.addressBook.edit(entry.id, { line1: '99 Elsewhere Rd' });
    const [row] = await shop.db.select().from(orders).where(eq(orders.id, order.id));
    const copy = { ...SHIP_TO, line2: 'Flat 3', region: null, postalCode: null, phone: null };
    expect(order.shippingAddress).toEqual(copy);
    expect(row.shippingAddress).toEqual(copy);
  });

  it("refuses someone else's book entry as not found, and reserves nothing", async () => {
    const product = shop.catalog.addProduct({ stock: 10 });
    const entry = shop.addressBook.add(customer().id, SHIP_TO);
    await expect(
      placement.create({
        actor: customer(),
        shippingAddressId: entry.id,
        items: [{ productId: product.id, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ status: 404, code: ErrorCode.NotFound });
    expect(shop.catalog.stockOf(product.id)).toBe(10);
  });
});
