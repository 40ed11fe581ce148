import type { PaymentStatus } from '@shop/contracts';
import { type PaymentEffect, type PaymentState, planPaymentMove } from './payment-status.machine';

const STATES: PaymentState[] = ['new', 'processing', 'succeeded', 'declined', 'refunded'];
const STATUSES: PaymentStatus[] = ['processing', 'succeeded', 'declined', 'refunded'];

/** The payment lifecycle, written out independently of the table: from → to → what follows. */
const EXPECTED: Record<string, PaymentEffect> = {
  'new→processing': 'none',
  'new→succeeded': 'order-paid',
  'processing→processing': 'none',
  'processing→succeeded': 'order-paid',
  'processing→declined': 'none',
  'succeeded→refunded': 'none',
};

describe('payment status machine', () => {
  it.each(STATES.flatMap((from) => STATUSES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const expected = EXPECTED[`${from}→${to}`];
    if (expected) expect(planPaymentMove(from, to)).toBe(expected);
    else expect(() => planPaymentMove(from, to)).toThrow(`A payment cannot go from ${from} to ${to}`);
  });

  it('never takes money back out of a refunded or declined payment', () => {
    for (const to of STATUSES) {
      expect(() => planPaymentMove('refunded', to)).toThrow();
      expect(() => planPaymentMove('declined', to)).toThrow();
    }
  });
});
