import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ErrorCode, OrderStatus } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, inArray } from 'drizzle-orm';
import { olderThan } from '../db/older-than';
import { type OrderRow, orders, type OrdersSchema, payments } from '../db/schema';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { PaymentLedger } from './payment.ledger';

/**
 * The payment steps of an order's fulfilment: capture when it ships, release (void or refund)
 * when it is cancelled after being paid. A failed release is retried by recovery.
 */
@Injectable()
export class PaymentSettlement implements OnModuleInit {
  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly ledger: PaymentLedger,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onPaymentStep({
      capture: (order, tx) => this.capture(order, tx),
      release: (order) => this.release(order),
    });
  }

  /**
   * Runs inside the shipment's transaction, the order's row locked: no cancel can void the
   * authorization meanwhile. An order paid without money held (a total of 0) ships as it is.
   */
  async capture(order: OrderRow, tx: Database<OrdersSchema>): Promise<void> {
    const payment = await tx.query.payments.findFirst({
      where: and(eq(payments.orderId, order.id), inArray(payments.status, ['authorized', 'captured'])),
    });
    if (!payment) {
      throw new AppError(
        409,
        ErrorCode.AuthorizationExpired,
        'The order holds no payment to capture (its authorization lapsed); it cannot ship unpaid',
      );
    }
    await this.ledger.capture(payment, tx);
  }

  async release(order: { id: string }): Promise<void> {
    const held = await this.db.query.payments.findFirst({
      where: and(eq(payments.orderId, order.id), inArray(payments.status, ['authorized', 'captured'])),
    });
    if (held) await this.ledger.release(held);
  }

  /**
   * Held or captured payments of orders cancelled longer ago than `olderThanSeconds`, e.g. a void
   * or refund that failed. Younger ones are left to the cancel still releasing them, so one
   * release is one request to the provider.
   */
  async releaseOutstanding(olderThanSeconds: number): Promise<void> {
    const outstanding = await this.db
      .select({ payment: payments })
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(
        and(
          inArray(payments.status, ['authorized', 'captured']),
          eq(orders.status, OrderStatus.Cancelled),
          olderThan(orders.updatedAt, olderThanSeconds),
        ),
      );
    for (const { payment } of outstanding) await this.ledger.release(payment);
  }
}
