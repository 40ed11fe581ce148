import { Inject, Injectable, Logger } from '@nestjs/common';
import { OrderStatus } from '@shop/contracts';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { olderThan } from '../db/older-than';
import { orders, type OrdersSchema, payments } from '../db/schema';
import { OrderLifecycle, SYSTEM } from '../orders/order-lifecycle.service';
import { rethrowUnlessInvalidTransition } from '../orders/order-status.machine';
import { PaymentLedger } from './payment.ledger';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { settleAnswer } from './settle-answer';

/** Finishes payments whose request died half-way; run by the recovery job, safe on several replicas at once. */
@Injectable()
export class PaymentRecovery {
  private readonly logger = new Logger(PaymentRecovery.name);

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly ledger: PaymentLedger,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  /**
   * Attempts the provider never answered (their request died, or got no answer) once they are
   * older than any request lives: each is claimed by moving its `updatedAt` (so replicas do not
   * ask twice), then the provider is asked again for that very claim and its answer recorded.
   */
  async resolveUnanswered(olderThanSeconds: number, batch: number): Promise<void> {
    const unanswered = and(
      eq(payments.status, 'processing'),
      isNull(payments.providerRef),
      eq(payments.provider, this.provider.name),
      olderThan(payments.updatedAt, olderThanSeconds),
    );
    const stale = await this.db.select({ id: payments.id }).from(payments).where(unanswered).limit(batch);
    for (const { id } of stale) {
      const payment = await this.ledger.touch(and(eq(payments.id, id), unanswered));
      if (!payment) continue;
      const attempt = { orderId: payment.orderId, paymentId: payment.id };
      try {
        const result = await this.provider.replay({
          ...attempt,
          amount: payment.amount,
          currency: payment.currency,
          paymentMethod: payment.paymentMethod,
        });
        await settleAnswer(this.ledger, payment, result).catch(rethrowUnlessInvalidTransition);
        this.logger.log({ ...attempt, result }, 'Resolved an unanswered payment');
      } catch (error) {
        // Still no answer: its claim moved on, so it is asked again a period later.
        this.logger.warn({ ...attempt, error: (error as Error).message }, 'Payment still unanswered');
      }
    }
  }

  /**
   * The documented rule for authorizations that would lapse before shipment (Stripe: 7 days):
   * once one is older than `ttlSeconds` and its order still paid, not shipped, the order is
   * cancelled by the system (reason `authorization expiring`), which voids the authorization and
   * returns the stock. Nobody is charged for an order that was never shipped.
   */
  async letGoLapsingAuthorizations(ttlSeconds: number, batch: number): Promise<void> {
    const lapsing = await this.db
      .select({ orderId: payments.orderId })
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(
        and(
          eq(payments.status, 'authorized'),
          eq(orders.status, OrderStatus.Paid),
          olderThan(payments.updatedAt, ttlSeconds),
        ),
      )
      .limit(batch);
    for (const { orderId } of lapsing) {
      await this.lifecycle
        .transition(orderId, OrderStatus.Cancelled, SYSTEM, 'authorization expiring')
        .catch(rethrowUnlessInvalidTransition);
      this.logger.log({ orderId }, 'Cancelled a paid order whose card authorization was about to lapse');
    }
  }

  /**
   * Held or captured payments whose order is still pending: the request died between recording
   * the payment and moving the order (long enough ago that it is not merely still doing so).
   */
  async finishCaptured(olderThanSeconds: number, batch: number): Promise<void> {
    const captured = await this.db
      .select({ payment: payments })
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(
        and(
          eq(orders.status, OrderStatus.Pending),
          inArray(payments.status, ['authorized', 'captured']),
          olderThan(payments.updatedAt, olderThanSeconds),
        ),
      )
      .limit(batch);
    for (const { payment } of captured) await this.ledger.finishCaptured(payment);
  }
}
