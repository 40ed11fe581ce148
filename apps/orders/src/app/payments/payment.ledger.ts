import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, OrderStatus, type PaymentStatus } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database, isUniqueViolation } from '@shop/service-defaults';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { type OrderRow, orders, type OrdersSchema, payments } from '../db/schema';
import { OrderEvents, type PaymentEventType } from '../orders/order-events';
import { OrderLifecycle, SYSTEM } from '../orders/order-lifecycle.service';
import { rethrowUnlessInvalidTransition } from '../orders/order-status.machine';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { providerUnavailable } from './provider-unavailable';
import { type PaymentEffect, planPaymentMove } from './payment-status.machine';

export type PaymentRow = typeof payments.$inferSelect;

/** The order event a payment's arrival in a status announces (a capture announces itself as order.paid). */
const EVENT_ON_ENTERING: Partial<Record<PaymentStatus, PaymentEventType>> = {
  declined: 'order.payment_failed',
  refunded: 'order.refunded',
};

/** The `provider` of a payment that charged nothing: the order's total was 0. */
export const NO_PROVIDER = 'none';

/**
 * The one writer of the `payments` table. Every write is a move the payment machine allows, made
 * by one conditional statement (`WHERE status = from`), so of two writers racing on a payment
 * exactly one moves it; the move's effect on the order follows here, and nowhere else.
 */
@Injectable()
export class PaymentLedger {
  private readonly logger = new Logger(PaymentLedger.name);

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly lifecycle: OrderLifecycle,
    private readonly events: OrderEvents,
  ) {}

  /**
   * Opens the order's payment for its total. A unique index allows one live or captured payment
   * per order, so two requests can never both charge it: the second gets 409 PAYMENT_IN_PROGRESS.
   * The order's row is locked (shared) while the attempt is written and must still be pending:
   * a cancel, which locks it too, either finished first (409 INVALID_TRANSITION here) or sees
   * this attempt and is refused (see OrderStore.move).
   */
  async open(
    order: OrderRow,
    {
      provider = this.provider.name,
      status = 'processing',
      paymentMethod = null,
    }: { provider?: string; status?: 'processing' | 'captured'; paymentMethod?: string | null } = {},
  ): Promise<PaymentRow> {
    const effect = planPaymentMove('new', status);
    let payment: PaymentRow;
    try {
      payment = await this.db.transaction(async (tx) => {
        const [pending] = await tx
          .select({ status: orders.status })
          .from(orders)
          .where(eq(orders.id, order.id))
          .for('share');
        if (pending?.status !== OrderStatus.Pending) {
          throw new AppError(409, ErrorCode.InvalidTransition, 'Only a pending order can be paid', {
            extensions: { from: pending?.status, to: OrderStatus.Paid, allowed: [] },
          });
        }
        const [opened] = await tx
          .insert(payments)
          .values({
            id: randomUUID(),
            orderId: order.id,
            provider,
            paymentMethod,
            amount: order.total,
            currency: order.currency ?? '',
            status,
          })
          .returning();
        return opened;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'payments_one_live_per_order')) {
        throw new AppError(
          409,
          ErrorCode.PaymentInProgress,
          'This order already has a payment in progress or captured',
        );
      }
      throw error;
    }
    await this.follow(payment, effect);
    return payment;
  }

  /**
   * Records an authorization or capture the provider reported for which no attempt is processing
   * (new → authorized or captured). Undefined when the order already has a live payment: nothing
   * was written.
   */
  async recordReported(
    status: 'authorized' | 'captured',
    report: { orderId: string; reference: string; amount: number; currency: string },
  ): Promise<PaymentRow | undefined> {
    const capture = report;
    const effect = planPaymentMove('new', status);
    const [payment] = await this.db
      .insert(payments)
      .values({
        id: randomUUID(),
        orderId: capture.orderId,
        provider: this.provider.name,
        providerRef: capture.reference,
        amount: capture.amount,
        currency: capture.currency,
        status,
      })
      .onConflictDoNothing()
      .returning();
    if (payment) await this.follow(payment, effect);
    return payment;
  }

  /**
   * Moves the payment `which` selects from `from` to `to`, recording the provider's reference
   * when given, then carries out the move's effect. Undefined when no such payment was in `from`
   * (another writer moved it first): nothing was written and nothing follows.
   */
  async move(
    which: SQL | undefined,
    from: PaymentStatus,
    to: PaymentStatus,
    providerRef?: string | null,
    db: Database<OrdersSchema> = this.db,
  ): Promise<PaymentRow | undefined> {
    const effect = planPaymentMove(from, to);
    // Inside the shipment's transaction (`db` given) this is a savepoint of it.
    const payment = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(payments)
        .set({ status: to, ...(providerRef === undefined ? {} : { providerRef }), updatedAt: sql`now()` })
        .where(and(which, eq(payments.status, from)))
        .returning();
      const event = row && EVENT_ON_ENTERING[to];
      if (event) await this.events.payment(tx, event, row);
      return row;
    });
    if (payment) await this.follow(payment, effect);
    return payment;
  }

  /** Claims an attempt for one replica's retry by moving its `updatedAt`; undefined if `which` no longer holds. */
  async touch(which: SQL | undefined): Promise<PaymentRow | undefined> {
    const [payment] = await this.db
      .update(payments)
      .set({ updatedAt: sql`now()` })
      .where(which)
      .returning();
    return payment;
  }

  /**
   * Takes an authorized payment's money (its order is shipping): the provider first (idempotent
   * there, keyed by the attempt), then authorized → captured through `db` (the shipment's
   * transaction). An authorization that lapsed first is voided, and the shipment refused with
   * 409 AUTHORIZATION_EXPIRED; a provider out of reach, 502 PAYMENT_PROVIDER_UNAVAILABLE.
   */
  async capture(payment: PaymentRow, db: Database<OrdersSchema>): Promise<void> {
    if (payment.status !== 'authorized' || !payment.providerRef) return;
    const outcome = await this.provider.capture(payment.providerRef, payment.id).catch((error: unknown) => {
      throw providerUnavailable(error, 'The payment provider did not answer; the order was not shipped', {
        paymentId: payment.id,
      });
    });
    if (outcome === 'expired') {
      await this.move(eq(payments.id, payment.id), 'authorized', 'voided');
      throw new AppError(
        409,
        ErrorCode.AuthorizationExpired,
        'The card authorization expired before shipment; the order cannot ship unpaid (cancel it)',
      );
    }
    await this.move(eq(payments.id, payment.id), 'authorized', 'captured', undefined, db);
  }

  /**
   * Lets go of a cancelled order's money: an authorization is voided, a capture refunded; the
   * provider first (idempotent there, so a retry after a crash is safe), then the move. A failed
   * call leaves the payment as it was, and recovery tries again.
   */
  async release(payment: PaymentRow): Promise<void> {
    const which = eq(payments.id, payment.id);
    try {
      if (payment.status === 'authorized') {
        if (payment.providerRef) await this.provider.void(payment.providerRef, payment.id);
        await this.move(which, 'authorized', 'voided');
      } else if (payment.status === 'captured') {
        if (payment.providerRef) await this.provider.refund(payment.providerRef, payment.orderId);
        await this.move(which, 'captured', 'refunded');
      }
    } catch (error) {
      this.logger.warn(
        { orderId: payment.orderId, status: payment.status, error: (error as Error).message },
        'Releasing the payment failed; recovery will retry',
      );
    }
  }

  /** Carries out a held or captured payment's effect again: its request died before the order was moved. */
  finishCaptured(payment: PaymentRow): Promise<void> {
    return this.follow(payment, 'order-paid').catch(rethrowUnlessInvalidTransition);
  }

  private async follow(payment: PaymentRow, effect: PaymentEffect): Promise<void> {
    if (effect === 'order-paid') await this.markOrderPaid(payment);
  }

  /**
   * Money held or captured for an order that was cancelled meanwhile is released at once (voided
   * or refunded), and the 409 INVALID_TRANSITION says so; a background caller has no one to tell,
   * and lets it pass. A cancel of a pending order is refused while it has a live payment, so this
   * is the last line, not the way.
   */
  private async markOrderPaid(payment: PaymentRow): Promise<void> {
    const reason =
      payment.provider === NO_PROVIDER
        ? `payment ${payment.id}: nothing to charge, the total is 0`
        : `payment ${payment.id}`;
    try {
      await this.lifecycle.transition(payment.orderId, OrderStatus.Paid, SYSTEM, reason);
    } catch (error) {
      rethrowUnlessInvalidTransition(error);
      // Paid already: by this very payment (one live payment per order), through another path.
      if (error.options.extensions?.from !== OrderStatus.Cancelled) return;
      await this.release(payment);
      throw new AppError(
        409,
        ErrorCode.InvalidTransition,
        'The order was cancelled before the payment completed; the payment was released',
      );
    }
  }
}
