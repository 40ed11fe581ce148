import { eq } from 'drizzle-orm';
import { payments } from '../db/schema';
import type { PaymentLedger, PaymentRow } from './payment.ledger';
import type { ChargeResult } from './payment-provider';

/**
 * Records the provider's answer to a processing attempt (the request's own, or recovery's asking
 * again), unless its webhook settled the payment first; undefined then.
 */
export function settleAnswer(
  ledger: PaymentLedger,
  payment: PaymentRow,
  result: ChargeResult,
): Promise<PaymentRow | undefined> {
  const reference = result.status === 'declined' ? null : result.reference;
  return ledger.move(eq(payments.id, payment.id), 'processing', result.status, reference);
}
