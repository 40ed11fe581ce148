import { TestPaymentProvider } from './test-payment.provider';

const charge = (paymentMethod: string) =>
  new TestPaymentProvider().authorize({ orderId: 'o1', amount: 100, currency: 'USD', paymentMethod, paymentId: 'p1' });

describe('TestPaymentProvider', () => {
  it('authorizes 4242 4242 4242 4242 however it is spaced', async () => {
    await expect(charge('4242 4242 4242 4242')).resolves.toEqual({ status: 'authorized', reference: 'test_o1' });
    await expect(charge('4242-4242-4242-4242')).resolves.toMatchObject({ status: 'authorized' });
  });

  it('declines 4000 0000 0000 0002 and any other number', async () => {
    await expect(charge('4000 0000 0000 0002')).resolves.toEqual({ status: 'declined', reason: 'card_declined' });
    await expect(charge('1234')).resolves.toMatchObject({ status: 'declined' });
  });
});
