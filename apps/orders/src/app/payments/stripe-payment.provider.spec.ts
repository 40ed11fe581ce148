import { chargeResult } from './stripe-payment.provider';

describe('chargeResult', () => {
  it('captures a succeeded intent', () => {
    expect(chargeResult({ id: 'pi_1', status: 'succeeded' })).toEqual({ status: 'succeeded', reference: 'pi_1' });
  });

  it('declines a canceled intent', () => {
    expect(chargeResult({ id: 'pi_1', status: 'canceled' })).toEqual({ status: 'declined', reason: 'canceled' });
  });

  it.each([
    'processing',
    'requires_action',
    'requires_capture',
    'requires_confirmation',
    'requires_payment_method',
  ] as const)('leaves a %s intent to the webhook', (status) => {
    expect(chargeResult({ id: 'pi_1', status })).toEqual({ status: 'processing', reference: 'pi_1' });
  });
});
