import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { OrderStatus } from '@shop/contracts';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq } from 'drizzle-orm';
import { olderThan } from '../db/older-than';
import { orders, type OrdersSchema, payments } from '../db/schema';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { PaymentLedger } from './payment.ledger';

/** Gives the money of cancelled orders back. A failed refund stays `succeeded` and is retried by recovery. */
@Injectable()
export class RefundService implements OnModuleInit {
  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly ledger: PaymentLedger,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  /** A paid order that is cancelled is refunded as part of the cancel. */
  onModuleInit(): void {
    this.lifecycle.onRefund((order) => this.refund(order));
  }

  async refund(order: { id: string }): Promise<void> {
    const captured = await this.db.query.payments.findFirst({
      where: and(eq(payments.orderId, order.id), eq(payments.status, 'succeeded')),
    });
    if (captured) await this.ledger.refund(captured);
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
    for (const { payment } of outstanding) await this.ledger.refund(payment);
  }
}
