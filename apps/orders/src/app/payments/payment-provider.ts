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
  | { status: 'succeeded'; reference: string }
  /** Accepted but not final yet (Stripe may confirm later through its webhook). */
  | { status: 'processing'; reference: string }
  | { status: 'declined'; reason: string };

/** Where money moves. A provider error (network, outage) is thrown; a refusal is a `declined` result. */
export interface PaymentProvider {
  readonly name: 'test' | 'stripe';
  /**
   * Whether the payment method is kept with the attempt, for `replay`. Stripe's PaymentMethod ids
   * are tokens; the test provider takes card numbers, and those are never stored.
   */
  readonly keepsPaymentMethod: boolean;
  /** Must be idempotent per payment id: charging the same claim again never captures twice. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /**
   * The outcome of an attempt whose answer was lost (its request died, or got no answer), asked
   * again for the same claim; `paymentMethod` is what was kept of it. An attempt that cannot be
   * asked about is declined: a capture the provider reports later is still recorded (or refunded).
   */
  replay(request: Omit<ChargeRequest, 'paymentMethod'> & { paymentMethod: string | null }): Promise<ChargeResult>;
  refund(reference: string, orderId: string): Promise<void>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
