import type { PaymentStatus } from '@shop/contracts';

/** Where a payment comes from: `new` is the row not yet written. */
export type PaymentState = PaymentStatus | 'new';

/** What follows a move, on the order's side. */
export type PaymentEffect = 'none' | 'order-paid';

/**
 * A payment's whole life as data: for each status, the statuses it may move to and what follows.
 * Anything not listed is a bug and refused. Cards are authorized at checkout and captured when
 * the order ships. Money held (`authorized`) moves the order to paid, whichever way it was
 * learned (the provider's answer, its webhook, recovery asking again); so does money taken at
 * once (`captured`: a total of 0, or a provider that captured on its own).
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentState, Partial<Record<PaymentStatus, PaymentEffect>>>> = {
  // Claimed before the provider is called; `captured` at once for a total of 0 (nothing to
  // charge); `authorized` or `captured` for a report on an attempt that was given up unanswered.
  new: { processing: 'none', authorized: 'order-paid', captured: 'order-paid' },
  // processing → processing: the provider accepted and will confirm later (its reference is recorded).
  processing: { processing: 'none', authorized: 'order-paid', captured: 'order-paid', declined: 'none' },
  // Captured when the order ships; voided when it is cancelled before, or its authorization expires.
  authorized: { captured: 'none', voided: 'none' },
  captured: { refunded: 'none' },
  voided: {},
  declined: {},
  refunded: {},
};

/** The effect of moving `from` → `to`; throws when the table forbids it (a bug, not a client error). */
export function planPaymentMove(from: PaymentState, to: PaymentStatus): PaymentEffect {
  const effect = PAYMENT_TRANSITIONS[from][to];
  if (!effect) throw new Error(`A payment cannot go from ${from} to ${to}`);
  return effect;
}
