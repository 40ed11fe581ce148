import Stripe from 'stripe';
import type { CaptureResult, ChargeRequest, ChargeResult, PaymentProvider } from './payment-provider';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  apiUrl?: string;
  /** Per attempt; the SDK's own default is 80 s. */
  timeoutMs: number;
}

/** How far a webhook's signature time may be from now, in the past or the future (Stripe's default). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Network retries of one call by the SDK, each with the same idempotency key. */
export const STRIPE_NETWORK_RETRIES = 2;

/**
 * The longest one Stripe call can take: every attempt times out, with the SDK's backoff between
 * them (0.5 s doubling, at most 5 s). A payment request must end well before its claims are
 * judged dead (STUCK_ORDER_SECONDS), or a retry could run beside it.
 */
export function stripeCallBoundMs(timeoutMs: number): number {
  let backoffMs = 0;
  for (let retry = 1; retry <= STRIPE_NETWORK_RETRIES; retry++) backoffMs += Math.min(500 * 2 ** (retry - 1), 5000);
  return (STRIPE_NETWORK_RETRIES + 1) * timeoutMs + backoffMs;
}

/**
 * Authorizes through Stripe PaymentIntents with manual capture, confirmed at once with the given
 * PaymentMethod; the intent is captured when the order ships and cancelled (voided) when the
 * order is cancelled before. Every call carries an idempotency key. The
 * Stripe idempotency key names the order and the claimed payment row, so asking again for the
 * same claim (the SDK's retries, the recovery job after a lost answer) gets the same
 * PaymentIntent instead of a second charge, while another attempt, say with another card after a
 * decline, is a request of its own rather than a conflicting replay of the first.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly keepsPaymentMethod = true;
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const api = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
    this.stripe = new Stripe(settings.secretKey, {
      maxNetworkRetries: STRIPE_NETWORK_RETRIES,
      timeout: settings.timeoutMs,
      ...(api && { host: api.hostname, port: api.port, protocol: api.protocol === 'http:' ? 'http' : 'https' }),
    });
  }

  async authorize({ orderId, paymentId, amount, currency, paymentMethod }: ChargeRequest): Promise<ChargeResult> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount,
          currency: currency.toLowerCase(),
          payment_method: paymentMethod,
          confirm: true,
          // Held at checkout, taken at shipment: a cancel before it costs the customer nothing.
          capture_method: 'manual',
          // Card only, no redirects: the API has no page to come back to.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          metadata: { orderId, paymentId },
        },
        { idempotencyKey: stripeIdempotencyKey(orderId, paymentId) },
      );
      return chargeResult(intent);
    } catch (error) {
      const declined = declineOf(error);
      if (declined) return declined;
      throw error;
    }
  }

  /** The same request under the same key: Stripe answers what it answered the first time. */
  async replay({ paymentMethod, ...request }: Parameters<PaymentProvider['replay']>[0]): Promise<ChargeResult> {
    if (paymentMethod === null) return { status: 'declined', reason: 'unanswered' };
    return this.authorize({ ...request, paymentMethod });
  }

  async capture(reference: string, paymentId: string): Promise<CaptureResult> {
    try {
      await this.stripe.paymentIntents.capture(reference, {}, { idempotencyKey: `capture-${paymentId}` });
      return 'captured';
    } catch (error) {
      // Stripe cancels an uncaptured intent when its authorization lapses (7 days for cards).
      if (intentStatusOf(error) === 'canceled') return 'expired';
      throw error;
    }
  }

  async void(reference: string, paymentId: string): Promise<void> {
    try {
      await this.stripe.paymentIntents.cancel(reference, {}, { idempotencyKey: `void-${paymentId}` });
    } catch (error) {
      // Lapsed already: nothing is held.
      if (intentStatusOf(error) !== 'canceled') throw error;
    }
  }

  async refund(reference: string, orderId: string): Promise<void> {
    // Keyed by the PaymentIntent: an order with a stray second capture refunds both, each once.
    await this.stripe.refunds.create(
      { payment_intent: reference, metadata: { orderId } },
      { idempotencyKey: `refund-${reference}` },
    );
  }

  /**
   * The event, if `signature` is Stripe's for exactly this payload and signed within
   * WEBHOOK_TOLERANCE_SECONDS of now, either way; throws otherwise. The SDK judges only the
   * past: a timestamp ahead of the clock by more than the tolerance is refused here.
   */
  verifyEvent(payload: string, signature: string, nowSeconds = Math.floor(Date.now() / 1000)): Stripe.Event {
    const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
    if (signedAt > nowSeconds + WEBHOOK_TOLERANCE_SECONDS) throw new Error('The signature is dated in the future');
    return this.stripe.webhooks.constructEvent(
      payload,
      signature,
      this.settings.webhookSecret,
      WEBHOOK_TOLERANCE_SECONDS,
    );
  }
}

const stripeIdempotencyKey = (orderId: string, paymentId: string) => `order-${orderId}-payment-${paymentId}`;

/**
 * Errors in which Stripe refused the charge itself, so nothing was or will be captured: a card
 * error, or parameters it will not charge (an unknown PaymentMethod, an amount under its
 * minimum). Anything else (no answer, a Stripe outage) leaves the outcome unknown.
 */
export function declineOf(error: unknown): ChargeResult | undefined {
  if (error instanceof Stripe.errors.StripeCardError)
    return { status: 'declined', reason: error.code ?? 'card_declined' };
  if (error instanceof Stripe.errors.StripeInvalidRequestError)
    return { status: 'declined', reason: error.code ?? 'invalid_request' };
  return undefined;
}

/** The status of the PaymentIntent a refused call names (Stripe's `payment_intent_unexpected_state`). */
function intentStatusOf(error: unknown): string | undefined {
  if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return undefined;
  return error.payment_intent?.status;
}

/**
 * A confirmed PaymentIntent that did not throw is authorized (`requires_capture`), captured
 * (`succeeded`), refused (`canceled`) or still on its way (anything else: 3-D Secure, bank
 * processing). The webhook settles the last.
 */
export function chargeResult(intent: Pick<Stripe.PaymentIntent, 'id' | 'status'>): ChargeResult {
  if (intent.status === 'requires_capture') return { status: 'authorized', reference: intent.id };
  if (intent.status === 'succeeded') return { status: 'captured', reference: intent.id };
  if (intent.status === 'canceled') return { status: 'declined', reason: 'canceled' };
  return { status: 'processing', reference: intent.id };
}
