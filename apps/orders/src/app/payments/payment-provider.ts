export interface ChargeRequest {
  orderId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  paymentMethod: string;
  /** Earlier declined attempts for this order: a retry of the same attempt must not charge again. */
  attempt: number;
}

export type ChargeResult =
  | { status: 'succeeded'; reference: string }
  /** Accepted but not final yet (Stripe may confirm later through its webhook). */
  | { status: 'processing'; reference: string }
  | { status: 'declined'; reason: string };

/** Where money moves. A provider error (network, outage) is thrown; a refusal is a `declined` result. */
export interface PaymentProvider {
  readonly name: 'test' | 'stripe';
  /** Must be idempotent per order: charging the same order again never captures twice. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(reference: string, orderId: string): Promise<void>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
