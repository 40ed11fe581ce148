import { ErrorCode, OrderStatus } from '@shop/contracts';
import { eq } from 'drizzle-orm';
import { ADMIN, customer, type OrdersHarness, startOrdersModules } from '../../testing/orders-module.harness';
import { randomUUID } from 'node:crypto';
import { SHIP_TO } from '../../testing/fake-address-book';
import { orders, payments } from '../db/schema';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { OrderPlacement } from '../orders/order-placement.service';
import { OrderRecovery } from '../recovery/order-recovery.service';
import { PaymentRequests } from './payment-requests.service';
import { TEST_CARDS } from './test-payment.provider';

let shop: OrdersHarness;

beforeAll(async () => (shop = await startOrdersModules()));
afterAll(() => shop?.close());

async function pendingOrder(stock = 10) {
  const product = shop.catalog.addProduct({ price: 990, stock });
  const actor = customer();
  const order = await shop
    .get(OrderPlacement)
    .create({ actor, shippingAddress: SHIP_TO, items: [{ productId: product.id, quantity: 2 }] });
  return { actor, order, product };
}

const paymentsOf = (orderId: string) => shop.db.select().from(payments).where(eq(payments.orderId, orderId));

describe('payments (PaymentsModule with the real orders modules, on PGlite)', () => {
  it('authorizes the total once, moves the order to paid, commits its stock, and captures at shipment', async () => {
    const { actor, order } = await pendingOrder();
    const payment = await shop
      .get(PaymentRequests)
      .pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved });
    expect(payment).toMatchObject({ status: 'authorized', amount: 1980, currency: 'USD' });
    expect(shop.catalog.reservations.get(order.id)?.status).toBe('committed');
    expect(shop.provider.captures).not.toContain(`test_${order.id}`);
    const shipped = await shop
      .get(OrderLifecycle)
      .transition(order.id, OrderStatus.Shipped, ADMIN, null, { carrier: 'DHL', trackingNumber: 'JD1' });
    expect(shipped).toMatchObject({
      status: OrderStatus.Shipped,
      paymentStatus: 'captured',
      carrier: 'DHL',
      trackingNumber: 'JD1',
    });
    expect(shop.provider.captures.filter((ref) => ref === `test_${order.id}`)).toHaveLength(1);
  });

  it('voids, never captures, the authorization of a paid order cancelled before shipment', async () => {
    const { actor, order } = await pendingOrder();
    await shop.get(PaymentRequests).pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved });
    const cancelled = await shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, actor);
    expect(cancelled).toMatchObject({ status: OrderStatus.Cancelled, paymentStatus: 'voided' });
    expect(shop.provider.voids).toContain(`test_${order.id}`);
    expect(shop.provider.captures).not.toContain(`test_${order.id}`);
    expect(shop.provider.refunds).not.toContain(`test_${order.id}`);
  });

  it('refuses to cancel a pending order while its payment is in flight (409 PAYMENT_IN_PROGRESS)', async () => {
    const { actor, order } = await pendingOrder();
    await shop.db.insert(payments).values({
      id: randomUUID(),
      orderId: order.id,
      provider: 'test',
      amount: 1980,
      currency: 'USD',
      status: 'processing',
    });
    await expect(shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, actor)).rejects.toMatchObject({
      status: 409,
      code: ErrorCode.PaymentInProgress,
    });
    await expect(shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, ADMIN)).rejects.toMatchObject({
      code: ErrorCode.PaymentInProgress,
    });
  });

  it('races 50 payments against 50 cancels: no cancelled order holds money, none is captured', async () => {
    const placed = await Promise.all(Array.from({ length: 50 }, () => pendingOrder()));
    const capturesBefore = shop.provider.captures.length;
    const outcomes = await Promise.all(
      placed.flatMap(({ actor, order }) => [
        shop
          .get(PaymentRequests)
          .pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved })
          .then(
            () => 'paid',
            (error) => error.code as string,
          ),
        shop
          .get(OrderLifecycle)
          .transition(order.id, OrderStatus.Cancelled, actor)
          .then(
            () => 'cancelled',
            (error) => error.code as string,
          ),
      ]),
    );
    for (const code of outcomes)
      expect(['paid', 'cancelled', ErrorCode.PaymentInProgress, ErrorCode.InvalidTransition]).toContain(code);
    for (const { order } of placed) {
      const [row] = await shop.db.select().from(orders).where(eq(orders.id, order.id));
      const statuses = (await paymentsOf(order.id)).map((payment) => payment.status);
      if (row.status === OrderStatus.Cancelled)
        expect({ order: order.id, statuses }).toEqual({
          order: order.id,
          statuses: statuses.filter((status) => status === 'voided' || status === 'declined'),
        });
      else
        expect({ order: order.id, status: row.status, statuses }).toEqual({
          order: order.id,
          status: 'paid',
          statuses: ['authorized'],
        });
    }
    expect(shop.provider.captures.length).toBe(capturesBefore);
  });

  it('lets one of several concurrent payments of an order through', async () => {
    const { actor, order } = await pendingOrder();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        shop.get(PaymentRequests).pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected'))
      expect([ErrorCode.PaymentInProgress, ErrorCode.InvalidTransition]).toContain(
        (outcome as PromiseRejectedResult).reason.code,
      );
    expect((await paymentsOf(order.id)).map((payment) => payment.status)).toEqual(['authorized']);
  });

  it('leaves a declined order pending and free to be paid again', async () => {
    const { actor, order } = await pendingOrder();
    await expect(
      shop.get(PaymentRequests).pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.declined }),
    ).rejects.toMatchObject({ status: 402, code: ErrorCode.PaymentDeclined });
    const payment = await shop
      .get(PaymentRequests)
      .pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved });
    expect(payment.status).toBe('authorized');
    expect((await paymentsOf(order.id)).map((p) => p.status).sort()).toEqual(['authorized', 'declined']);
  });

  it('voids a cancelled paid order exactly once, however many cancels race and recovery runs', async () => {
    const { actor, order, product } = await pendingOrder(5);
    await shop.get(PaymentRequests).pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved });
    const voidsBefore = shop.provider.voids.length;
    const cancels = await Promise.allSettled([
      ...Array.from({ length: 3 }, () => shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, actor)),
      ...Array.from({ length: 3 }, () => shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, ADMIN)),
    ]);
    expect(cancels.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    await shop.get(OrderRecovery).runOnce();
    expect(shop.provider.voids.slice(voidsBefore)).toEqual([`test_${order.id}`]);
    expect((await paymentsOf(order.id)).map((payment) => payment.status)).toEqual(['voided']);
    // A paid order's stock was committed: cancelling it restocks it.
    expect(shop.catalog.stockOf(product.id)).toBe(5);
  });

  it('does not let a stranger pay (404)', async () => {
    const { order } = await pendingOrder();
    await expect(
      shop.get(PaymentRequests).pay({ actor: customer(), orderId: order.id, paymentMethod: TEST_CARDS.approved }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await paymentsOf(order.id)).toEqual([]);
  });
});
