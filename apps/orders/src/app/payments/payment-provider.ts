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
  /** Must be idempotent per payment id: charging the same claim again never captures twice. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(reference: string, orderId: string): Promise<void>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
