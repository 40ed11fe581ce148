export interface ChargeRequest {
  orderId: string;
  /**
   * The claimed payment row. It keys the charge at the provider: asking again for the same claim
   * (the recovery job, after a lost answer) never charges twice, and every new claim is a new charge.
   */
  paymentId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  paymentMethod: string;
}

export type ChargeResult =
  /** The money is held on the card until captured (at shipment) or voided. */
  | { status: 'authorized'; reference: string }
  /** The money is taken already (a provider that captured on its own). */
  | { status: 'captured'; reference: string }
  /** Accepted but not final yet (Stripe may confirm later through its webhook). */
  | { status: 'processing'; reference: string }
  | { status: 'declined'; reason: string };

/** What became of a capture: `expired` when the authorization lapsed (or was voided) first, so nothing was taken. */
export type CaptureResult = 'captured' | 'expired';

/**
 * Where money moves: authorize at checkout, capture at shipment, void on a cancel before it.
 * A provider error (network, outage) is thrown; a refusal is a result.
 */
export interface PaymentProvider {
  readonly name: 'test' | 'stripe';
  /**
   * Whether the payment method is kept with the attempt, for `replay`. Stripe's PaymentMethod ids
   * are tokens; the test provider takes card numbers, and those are never stored.
   */
  readonly keepsPaymentMethod: boolean;
  /** Must be idempotent per payment id: authorizing the same claim again never holds twice. */
  authorize(request: ChargeRequest): Promise<ChargeResult>;
  /** Takes the authorized money; idempotent per attempt. */
  capture(reference: string, paymentId: string): Promise<CaptureResult>;
  /** Lets an authorization go without taking anything; idempotent, and done already if it lapsed. */
  void(reference: string, paymentId: string): Promise<void>;
  /**
   * The outcome of an attempt whose answer was lost (its request died, or got no answer), asked
   * again for the same claim; `paymentMethod` is what was kept of it. An attempt that cannot be
   * asked about is declined: a capture the provider reports later is still recorded (or refunded).
   */
  replay(request: Omit<ChargeRequest, 'paymentMethod'> & { paymentMethod: string | null }): Promise<ChargeResult>;
  refund(reference: string, orderId: string): Promise<void>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
