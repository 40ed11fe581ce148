import { Inject, Injectable, Logger } from '@nestjs/common';
import { OrderStatus } from '@shop/contracts';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, sql } from 'drizzle-orm';
import { olderThan } from '../db/older-than';
import { orders, type OrdersSchema, payments } from '../db/schema';
import { OrderEvents } from '../orders/order-events';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';

type PaymentRow = typeof payments.$inferSelect;

/** Gives the money of cancelled orders back. A failed refund stays `succeeded` and is retried by recovery. */
@Injectable()
export class RefundService {
  private readonly logger = new Logger(RefundService.name);

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly events: OrderEvents,
  ) {}

  async refund(order: { id: string }): Promise<void> {
    const captured = await this.db.query.payments.findFirst({
      where: and(eq(payments.orderId, order.id), eq(payments.status, 'succeeded')),
    });
    if (captured) await this.refundPayment(captured);
  }

  /**
   * Captured payments of orders cancelled longer ago than `olderThanSeconds`, e.g. a refund that
   * failed or a charge that lost to a cancel. Younger ones are left to the cancel still refunding
   * them, so one refund is one request to the provider.
   */
  async refundOutstanding(olderThanSeconds: number): Promise<void> {
    const outstanding = await this.db
      .select({ payment: payments })
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(
        and(
          eq(payments.status, 'succeeded'),
          eq(orders.status, OrderStatus.Cancelled),
          olderThan(orders.updatedAt, olderThanSeconds),
        ),
      );
    for (const { payment } of outstanding) await this.refundPayment(payment);
  }

  async refundPayment(payment: PaymentRow): Promise<void> {
    try {
      // Refunding is idempotent at the provider (keyed by the order), so a retry after a crash is safe.
      if (payment.providerRef) await this.provider.refund(payment.providerRef, payment.orderId);
    } catch (error) {
      this.logger.warn(
        { orderId: payment.orderId, error: (error as Error).message },
        'Refund failed; recovery will retry',
      );
      return;
    }
    await this.db.transaction(async (tx) => {
      const [refunded] = await tx
        .update(payments)
        .set({ status: 'refunded', updatedAt: sql`now()` })
        .where(and(eq(payments.id, payment.id), eq(payments.status, 'succeeded')))
        .returning();
      const order = refunded && (await tx.query.orders.findFirst({ where: eq(orders.id, payment.orderId) }));
      if (order) await this.events.record(tx, 'order.refunded', order, { amount: refunded.amount });
    });
  }
}
