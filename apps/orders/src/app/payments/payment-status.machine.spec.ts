import { PAYMENT_STATUSES, type PaymentStatus } from '@shop/contracts';
import { type PaymentEffect, type PaymentState, planPaymentMove } from './payment-status.machine';

const STATUSES: PaymentStatus[] = [...PAYMENT_STATUSES];
const STATES: PaymentState[] = ['new', ...STATUSES];

/** The payment lifecycle, written out independently of the table: from → to → what follows. */
const EXPECTED: Record<string, PaymentEffect> = {
  'new→processing': 'none',
  'new→authorized': 'order-paid',
  'new→captured': 'order-paid',
  'processing→processing': 'none',
  'processing→authorized': 'order-paid',
  'processing→captured': 'order-paid',
  'processing→declined': 'none',
  'authorized→captured': 'none',
  'authorized→voided': 'none',
  'captured→refunded': 'none',
};

describe('payment status machine', () => {
  it.each(STATES.flatMap((from) => STATUSES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const expected = EXPECTED[`${from}→${to}`];
    if (expected) expect(planPaymentMove(from, to)).toBe(expected);
    else expect(() => planPaymentMove(from, to)).toThrow(`A payment cannot go from ${from} to ${to}`);
  });

  it('never moves a refunded, voided or declined payment again', () => {
    for (const to of STATUSES) {
      expect(() => planPaymentMove('refunded', to)).toThrow();
      expect(() => planPaymentMove('voided', to)).toThrow();
      expect(() => planPaymentMove('declined', to)).toThrow();
    }
  });

  it('captures only what was authorized, and never voids a capture', () => {
    expect(() => planPaymentMove('processing', 'voided')).toThrow();
    expect(() => planPaymentMove('captured', 'voided')).toThrow();
  });
});
