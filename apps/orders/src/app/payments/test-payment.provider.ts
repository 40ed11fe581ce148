import type { CaptureResult, ChargeRequest, ChargeResult, PaymentProvider } from './payment-provider';

export const TEST_CARDS = { approved: '4242424242424242', declined: '4000000000000002' } as const;

/**
 * The development provider: authorizes 4242 4242 4242 4242, declines everything else (the
 * documented decline card is 4000 0000 0000 0002). No money moves, so captures, voids and
 * refunds always succeed.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  readonly keepsPaymentMethod = false;

  async authorize({ orderId, paymentMethod }: ChargeRequest): Promise<ChargeResult> {
    const card = paymentMethod.replace(/[\s-]/g, '');
    if (card === TEST_CARDS.approved) return { status: 'authorized', reference: `test_${orderId}` };
    return { status: 'declined', reason: card === TEST_CARDS.declined ? 'card_declined' : 'unknown test card' };
  }

  /** Its authorizations hold no money, so an attempt whose answer was lost is simply given up. */
  async replay(): Promise<ChargeResult> {
    return { status: 'declined', reason: 'unanswered' };
  }

  async capture(): Promise<CaptureResult> {
    return 'captured';
  }

  async void(): Promise<void> {
    // Nothing is held anywhere.
  }

  async refund(): Promise<void> {
    // Nothing was captured anywhere.
  }
}
