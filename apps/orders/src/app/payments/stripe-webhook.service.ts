import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type StripeWebhookRequest } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { isUUID } from 'class-validator';
import type Stripe from 'stripe';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { PaymentReports } from './payment-reports.service';
import { StripePaymentProvider } from './stripe-payment.provider';

/** Stripe's word on payments that did not settle at once. Safe to receive any number of times. */
@Injectable()
export class StripeWebhookService {
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly reports: PaymentReports,
  ) {}

  async handle({ payload, signature }: StripeWebhookRequest): Promise<{ received: true }> {
    if (!(this.provider instanceof StripePaymentProvider))
      throw new AppError(404, ErrorCode.NotFound, 'Stripe is not configured');
    let event: Stripe.Event;
    try {
      event = this.provider.verifyEvent(payload, signature);
    } catch {
      throw new AppError(
        400,
        ErrorCode.InvalidSignature,
        'The Stripe-Signature does not match this payload, or is too old or dated in the future',
      );
    }
    if (
      event.type === 'payment_intent.amount_capturable_updated' ||
      event.type === 'payment_intent.succeeded' ||
      event.type === 'payment_intent.payment_failed'
    ) {
      const intent = event.data.object;
      const orderId = intent.metadata?.orderId;
      // Intents this shop did not create (no or a foreign order id) are none of its business.
      if (orderId && isUUID(orderId)) {
        const report = { orderId, paymentId: intent.metadata?.paymentId, reference: intent.id };
        const currency = (intent.currency ?? '').toUpperCase();
        if (event.type === 'payment_intent.amount_capturable_updated') {
          // Manual capture: the money is held (authorized) until the order ships.
          await this.reports.reported('authorized', { ...report, amount: intent.amount_capturable, currency });
        } else if (event.type === 'payment_intent.succeeded') {
          const amount = intent.amount_received || intent.amount;
          await this.reports.reported('captured', { ...report, amount, currency });
        } else await this.reports.failed(report);
      }
    }
    return { received: true };
  }
}
