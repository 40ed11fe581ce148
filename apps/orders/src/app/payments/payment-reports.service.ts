import { Inject, Injectable, Logger } from '@nestjs/common';
import { DATABASE, type Database } from '@shop/service-defaults';
import { isUUID } from 'class-validator';
import { and, eq, isNull, or } from 'drizzle-orm';
import { orders, type OrdersSchema, payments } from '../db/schema';
import { rethrowUnlessInvalidTransition } from '../orders/order-status.machine';
import { PaymentLedger, type PaymentRow } from './payment.ledger';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';

/** What the provider reported on its own (a webhook) about one of its payments. */
export interface ProviderReport {
  orderId: string;
  /** The attempt the provider was asked for (Stripe: the intent's metadata); absent on intents from elsewhere. */
  paymentId?: string;
  /** The provider's id for the payment (Stripe: the PaymentIntent). */
  reference: string;
}

/** Money the provider reported held (authorized) or taken (captured). Amounts in minor units. */
export interface Capture extends ProviderReport {
  amount: number;
  currency: string;
}

/** The provider's own word on payments (webhooks). Safe to receive any number of times. */
@Injectable()
export class PaymentReports {
  private readonly logger = new Logger(PaymentReports.name);

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly ledger: PaymentLedger,
  ) {}

  /**
   * The provider says a payment was authorized (money held) or captured (taken). It settles the
   * attempt it belongs to, and only the first report moves anything: the payment leaves
   * `processing` (or, for a capture, `authorized`) in one conditional update. Money of another
   * amount or currency than the order's is not this order's payment as the shop made it (a
   * charge made by hand, a bug): it is logged for a person and changes nothing, neither settled
   * nor refunded on a guess.
   */
  async reported(status: 'authorized' | 'captured', capture: Capture): Promise<void> {
    const order = await this.db.query.orders.findFirst({ where: eq(orders.id, capture.orderId) });
    if (!order) return;
    if (capture.amount !== order.total || capture.currency !== order.currency) {
      this.logger.error(
        { ...capture, orderTotal: order.total, orderCurrency: order.currency },
        'A reported capture does not match its order in amount or currency; not settled',
      );
      return;
    }
    const attempt = reportedAttempt(capture);
    const settle = async () =>
      (await this.ledger.move(attempt, 'processing', status, capture.reference)) ??
      (status === 'captured' ? await this.ledger.move(attempt, 'authorized', 'captured') : undefined) ??
      (await this.recordUnclaimed(status, capture));
    await settle().catch(rethrowUnlessInvalidTransition);
  }

  /** The provider says the attempt it names failed: the order is free to be paid again. */
  async failed(report: ProviderReport): Promise<void> {
    await this.ledger.move(reportedAttempt(report), 'processing', 'declined');
  }

  /**
   * Money held or taken with no processing payment: its attempt was given up unanswered (see
   * PaymentRecovery) before the provider reported it. It is recorded now, unless it already is (a
   * repeated webhook); if the order already has another live payment, this is a second one and
   * goes straight back (voided, or refunded).
   */
  private async recordUnclaimed(status: 'authorized' | 'captured', capture: Capture): Promise<PaymentRow | undefined> {
    const recorded = () => this.db.query.payments.findFirst({ where: eq(payments.providerRef, capture.reference) });
    if (await recorded()) return undefined;
    const payment = await this.ledger.recordReported(status, capture);
    if (!payment && !(await recorded())) {
      if (status === 'authorized') await this.provider.void(capture.reference, capture.reference);
      else await this.provider.refund(capture.reference, capture.orderId);
      this.logger.warn(
        { orderId: capture.orderId, reference: capture.reference, status },
        'Gave back a second payment of a paid order',
      );
    }
    return payment;
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
    paymentId && isUUID(paymentId) ? and(eq(payments.id, paymentId), or(isNull(payments.providerRef), known)) : known,
  );
}
