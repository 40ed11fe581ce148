import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, OrderStatus, type PayOrderRequest, type PaymentDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database, isUniqueViolation } from '@shop/service-defaults';
import { isUUID } from 'class-validator';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { olderThan } from '../db/older-than';
import { type OrderRow, orders, type OrdersSchema, payments } from '../db/schema';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { OrderEvents } from '../orders/order-events';
import { OrderLifecycle, SYSTEM } from '../orders/order-lifecycle.service';
import { planTransition, rethrowUnlessInvalidTransition } from '../orders/order-status.machine';
import { OrderRepository } from '../orders/order.repository';
import { toPaymentDto } from './payment.mapper';
import { type ChargeResult, PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { RefundService } from './refund.service';

type PaymentRow = typeof payments.$inferSelect;

/** The `provider` of a payment that charged nothing: the order's total was 0. */
export const NO_PROVIDER = 'none';

/** What the provider reported on its own (a webhook) about one of its payments. */
export interface ProviderReport {
  orderId: string;
  /** The attempt the provider was asked for (Stripe: the intent's metadata); absent on intents from elsewhere. */
  paymentId?: string;
  /** The provider's id for the payment (Stripe: the PaymentIntent). */
  reference: string;
}

/** A capture the provider reported. Amounts in minor units. */
export interface Capture extends ProviderReport {
  amount: number;
  currency: string;
}

/**
 * Charges an order's total. A payment row is claimed before the provider is called, and a
 * unique index allows one live or captured payment per order, so two requests can never both
 * charge it; a declined attempt frees the order for another try.
 */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger(PaymentService.name);

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly idempotency: IdempotencyService,
    private readonly repository: OrderRepository,
    private readonly lifecycle: OrderLifecycle,
    private readonly refunds: RefundService,
    private readonly events: OrderEvents,
  ) {}

  pay({ actor, orderId, paymentMethod, idempotencyKey }: PayOrderRequest): Promise<PaymentDto> {
    return this.idempotency.run(actor.id, idempotencyKey, { operation: 'pay', orderId, paymentMethod }, async () => {
      const order = await this.repository.visibleRow(orderId, actor);
      // Only the buyer pays; to anyone else the order does not exist.
      if (order.userId !== actor.id) throw new AppError(404, ErrorCode.NotFound, 'Order not found');
      planTransition(order.status as OrderStatus, OrderStatus.Paid, 'system');
      return this.charge(order, paymentMethod);
    });
  }

  /**
   * The provider says a payment succeeded (Stripe's webhook). It settles the attempt it belongs
   * to, and only the first report moves anything: the payment leaves `processing` in one
   * conditional update. A capture of another amount or currency than the order's is not this
   * order's payment as the shop made it (a charge made by hand, a bug): it is logged for a person
   * and changes nothing, neither settled nor refunded on a guess.
   */
  async captured(capture: Capture): Promise<void> {
    const order = await this.db.query.orders.findFirst({ where: eq(orders.id, capture.orderId) });
    if (!order) return;
    if (capture.amount !== order.total || capture.currency !== order.currency) {
      this.logger.error(
        { ...capture, orderTotal: order.total, orderCurrency: order.currency },
        'A reported capture does not match its order in amount or currency; not settled',
      );
      return;
    }
    const [payment] = await this.db
      .update(payments)
      .set({ status: 'succeeded', providerRef: capture.reference, updatedAt: sql`now()` })
      .where(reportedAttempt(capture))
      .returning();
    const settled = payment ?? (await this.recordUnclaimed(capture));
    if (!settled) return;
    await this.markPaid(settled).catch(rethrowUnlessInvalidTransition);
  }

  /** The provider says the attempt it names failed: the order is free to be paid again. */
  async failed(report: ProviderReport): Promise<void> {
    await this.db
      .update(payments)
      .set({ status: 'declined', updatedAt: sql`now()` })
      .where(reportedAttempt(report));
  }

  private async charge(order: OrderRow, paymentMethod: string): Promise<PaymentDto> {
    // No provider charges 0 (Stripe refuses amounts under its minimum), and nothing needs charging.
    if (order.total === 0) return this.payNothing(order);
    const payment = await this.claim(order, {
      paymentMethod: this.provider.keepsPaymentMethod ? paymentMethod : null,
    });
    let result;
    try {
      result = await this.provider.charge({
        orderId: order.id,
        paymentId: payment.id,
        amount: order.total,
        currency: order.currency ?? '',
        paymentMethod,
      });
    } catch (error) {
      // The provider may have charged before its answer was lost. The attempt stays processing,
      // so no other can start, until the recovery job asks the provider again for this claim.
      this.logger.warn(
        { orderId: order.id, paymentId: payment.id, error: (error as Error).message },
        'No answer from the payment provider; recovery will ask again',
      );
      throw new AppError(
        502,
        ErrorCode.UpstreamError,
        'The payment provider did not answer; the outcome of this payment will be known shortly',
      );
    }
    const settled = await this.record(payment, result);
    if (result.status === 'declined') {
      throw new AppError(402, ErrorCode.PaymentDeclined, 'The payment was declined', {
        extensions: { reason: result.reason },
      });
    }
    // Stripe's webhook settled it first (and moved the order on): report what it recorded.
    return toPaymentDto(settled ?? (await this.db.query.payments.findFirst({ where: eq(payments.id, payment.id) }))!);
  }

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
      const [payment] = await this.db
        .update(payments)
        .set({ updatedAt: sql`now()` })
        .where(and(eq(payments.id, id), unanswered))
        .returning();
      if (!payment) continue;
      const attempt = { orderId: payment.orderId, paymentId: payment.id };
      try {
        const result = await this.provider.replay({
          ...attempt,
          amount: payment.amount,
          currency: payment.currency,
          paymentMethod: payment.paymentMethod,
        });
        await this.record(payment, result).catch(rethrowUnlessInvalidTransition);
        this.logger.log({ ...attempt, result }, 'Resolved an unanswered payment');
      } catch (error) {
        // Still no answer: its claim moved on, so it is asked again a period later.
        this.logger.warn({ ...attempt, error: (error as Error).message }, 'Payment still unanswered');
      }
    }
  }

  /**
   * Captured payments whose order is still pending: the request died between recording the
   * capture and moving the order (long enough ago that it is not merely still doing so).
   */
  async finishCaptured(olderThanSeconds: number, batch: number): Promise<void> {
    const captured = await this.db
      .select({ payment: payments })
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(
        and(
          eq(orders.status, OrderStatus.Pending),
          eq(payments.status, 'succeeded'),
          olderThan(payments.updatedAt, olderThanSeconds),
        ),
      )
      .limit(batch);
    for (const { payment } of captured) await this.markPaid(payment).catch(rethrowUnlessInvalidTransition);
  }

  /** Records the provider's answer, and moves the order to paid when it was captured. */
  private async record(payment: PaymentRow, result: ChargeResult): Promise<PaymentRow | undefined> {
    const settled = await this.settle(
      payment.id,
      result.status,
      result.status === 'declined' ? null : result.reference,
      result.status === 'declined' ? result.reason : undefined,
    );
    if (settled?.status === 'succeeded') await this.markPaid(settled);
    return settled;
  }

  /**
   * A capture with no processing payment: its attempt was given up unanswered (see
   * resolveUnanswered) before the provider reported it took the money. It is recorded now,
   * unless it already is (a repeated webhook); if the order already has another live payment,
   * this is a second capture and goes straight back.
   */
  private async recordUnclaimed({ orderId, reference, amount, currency }: Capture): Promise<PaymentRow | undefined> {
    const recorded = () => this.db.query.payments.findFirst({ where: eq(payments.providerRef, reference) });
    if (await recorded()) return undefined;
    const [payment] = await this.db
      .insert(payments)
      .values({
        id: randomUUID(),
        orderId,
        provider: this.provider.name,
        providerRef: reference,
        amount,
        currency,
        status: 'succeeded',
      })
      .onConflictDoNothing()
      .returning();
    if (!payment && !(await recorded())) {
      await this.provider.refund(reference, orderId);
      this.logger.warn({ orderId, reference }, 'Refunded a second capture of a paid order');
    }
    return payment;
  }

  /**
   * A zero-total order is paid without any provider. Its payment row still takes the order's one
   * live slot, so it cannot be paid twice, and a cancel "refunds" it without calling anyone.
   */
  private async payNothing(order: OrderRow): Promise<PaymentDto> {
    const payment = await this.claim(order, { provider: NO_PROVIDER, status: 'succeeded' });
    await this.markPaid(payment);
    return toPaymentDto(payment);
  }

  private async claim(
    order: OrderRow,
    {
      provider = this.provider.name,
      status = 'processing',
      paymentMethod = null,
    }: Partial<Pick<PaymentRow, 'provider' | 'status' | 'paymentMethod'>> = {},
  ): Promise<PaymentRow> {
    try {
      const [payment] = await this.db
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
      return payment;
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
  }

  /** Records the provider's answer, unless the webhook already settled this payment. */
  private async settle(
    id: string,
    status: PaymentRow['status'],
    reference: string | null,
    declineReason?: string,
  ): Promise<PaymentRow | undefined> {
    return this.db.transaction(async (tx) => {
      const [payment] = await tx
        .update(payments)
        .set({ status, providerRef: reference, updatedAt: sql`now()` })
        .where(and(eq(payments.id, id), eq(payments.status, 'processing')))
        .returning();
      if (payment?.status === 'declined') {
        const order = await tx.query.orders.findFirst({ where: eq(orders.id, payment.orderId) });
        if (order) await this.events.record(tx, 'order.payment_failed', order, { reason: declineReason ?? null });
      }
      return payment;
    });
  }

  /**
   * Captured money for an order that was cancelled meanwhile (e.g. it expired) goes straight back,
   * and the 409 INVALID_TRANSITION says so; a background caller has no one to tell, and lets it pass.
   */
  private async markPaid(payment: PaymentRow): Promise<void> {
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
      await this.refunds.refundPayment(payment);
      throw new AppError(
        409,
        ErrorCode.InvalidTransition,
        'The order was cancelled before the payment completed; it was refunded',
      );
    }
  }
}

/**
 * The processing attempt a provider's report is about: the one it names, unless that attempt is
 * already known under another reference; else the one known under its reference. Never just
 * whichever attempt the order has in progress.
 */
function reportedAttempt({ orderId, paymentId, reference }: ProviderReport) {
  const known = eq(payments.providerRef, reference);
  return and(
    eq(payments.orderId, orderId),
    eq(payments.status, 'processing'),
    paymentId && isUUID(paymentId) ? and(eq(payments.id, paymentId), or(isNull(payments.providerRef), known)) : known,
  );
}
