import { ErrorCode, OrderStatus } from '@shop/contracts';
import { eq } from 'drizzle-orm';
import { ADMIN, customer, type OrdersHarness, startOrdersModules } from '../../testing/orders-module.harness';
import { payments } from '../db/schema';
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
  const order = await shop.get(OrderPlacement).create({ actor, items: [{ productId: product.id, quantity: 2 }] });
  return { actor, order, product };
}

const paymentsOf = (orderId: string) => shop.db.select().from(payments).where(eq(payments.orderId, orderId));

describe('payments (PaymentsModule with the real orders modules, on PGlite)', () => {
  it('charges the total once, moves the order to paid and commits its stock', async () => {
    const { actor, order } = await pendingOrder();
    const payment = await shop
      .get(PaymentRequests)
      .pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved });
    expect(payment).toMatchObject({ status: 'succeeded', amount: 1980, currency: 'USD' });
    expect(shop.catalog.reservations.get(order.id)?.status).toBe('committed');
    const paid = await shop.get(OrderLifecycle).transition(order.id, OrderStatus.Shipped, ADMIN);
    expect(paid.status).toBe(OrderStatus.Shipped);
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
    expect((await paymentsOf(order.id)).map((payment) => payment.status)).toEqual(['succeeded']);
  });

  it('leaves a declined order pending and free to be paid again', async () => {
    const { actor, order } = await pendingOrder();
    await expect(
      shop.get(PaymentRequests).pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.declined }),
    ).rejects.toMatchObject({ status: 402, code: ErrorCode.PaymentDeclined });
    const payment = await shop
      .get(PaymentRequests)
      .pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved });
    expect(payment.status).toBe('succeeded');
    expect((await paymentsOf(order.id)).map((p) => p.status).sort()).toEqual(['declined', 'succeeded']);
  });

  it('refunds a cancelled paid order exactly once, however many cancels race and recovery runs', async () => {
    const { actor, order, product } = await pendingOrder(5);
    await shop.get(PaymentRequests).pay({ actor, orderId: order.id, paymentMethod: TEST_CARDS.approved });
    const refundsBefore = shop.provider.refunds.length;
    const cancels = await Promise.allSettled([
      ...Array.from({ length: 3 }, () => shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, actor)),
      ...Array.from({ length: 3 }, () => shop.get(OrderLifecycle).transition(order.id, OrderStatus.Cancelled, ADMIN)),
    ]);
    expect(cancels.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    await shop.get(OrderRecovery).runOnce();
    expect(shop.provider.refunds.slice(refundsBefore)).toEqual([`test_${order.id}`]);
    expect((await paymentsOf(order.id)).map((payment) => payment.status)).toEqual(['refunded']);
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
