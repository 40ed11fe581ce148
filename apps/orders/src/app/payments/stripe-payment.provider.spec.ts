import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import Stripe from 'stripe';
import {
  chargeResult,
  declineOf,
  STRIPE_NETWORK_RETRIES,
  StripePaymentProvider,
  stripeCallBoundMs,
} from './stripe-payment.provider';

describe('chargeResult', () => {
  it('authorizes an intent that requires capture', () => {
    expect(chargeResult({ id: 'pi_1', status: 'requires_capture' })).toEqual({
      status: 'authorized',
      reference: 'pi_1',
    });
  });

  it('records a succeeded intent as captured', () => {
    expect(chargeResult({ id: 'pi_1', status: 'succeeded' })).toEqual({ status: 'captured', reference: 'pi_1' });
  });

  it('declines a canceled intent', () => {
    expect(chargeResult({ id: 'pi_1', status: 'canceled' })).toEqual({ status: 'declined', reason: 'canceled' });
  });

  it.each(['processing', 'requires_action', 'requires_confirmation', 'requires_payment_method'] as const)(
    'leaves a %s intent to the webhook',
    (status) => {
      expect(chargeResult({ id: 'pi_1', status })).toEqual({ status: 'processing', reference: 'pi_1' });
    },
  );
});

describe('StripePaymentProvider', () => {
  it('gives up on a Stripe that never answers within stripeCallBoundMs, retries included', async () => {
    // A real loopback server that accepts every connection and never says a word.
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const provider = new StripePaymentProvider({
      secretKey: 'sk_test_1',
      webhookSecret: 'whsec_1',
      apiUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 200,
    });
    const started = Date.now();
    try {
      await expect(
        provider.authorize({
          orderId: 'o1',
          paymentId: 'p1',
          amount: 100,
          currency: 'USD',
          paymentMethod: 'pm_card_visa',
        }),
      ).rejects.toThrow(/timeout/);
      // The bound is what is under test; the margin is for a busy machine's lag. A call without
      // its timeout would wait for the SDK's default of 80 s, far past it.
      expect(Date.now() - started).toBeLessThan(stripeCallBoundMs(200) + 5_000);
      expect(sockets).toHaveLength(STRIPE_NETWORK_RETRIES + 1);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    }
  });
});

describe('declineOf', () => {
  const raw = (type: string, code?: string) => ({ message: 'refused', type, code }) as never;

  it('declines what Stripe refused to charge: card errors and parameters it will not take', () => {
    expect(declineOf(new Stripe.errors.StripeCardError(raw('card_error', 'card_declined')))).toEqual({
      status: 'declined',
      reason: 'card_declined',
    });
    expect(
      declineOf(new Stripe.errors.StripeInvalidRequestError(raw('invalid_request_error', 'resource_missing'))),
    ).toEqual({
      status: 'declined',
      reason: 'resource_missing',
    });
  });

  it.each([
    ['no answer', new Stripe.errors.StripeConnectionError(raw('api_error'))],
    ['a Stripe outage', new Stripe.errors.StripeAPIError(raw('api_error'))],
    ['a replay with other parameters', new Stripe.errors.StripeIdempotencyError(raw('idempotency_error'))],
    ['a rate limit', new Stripe.errors.StripeRateLimitError(raw('rate_limit_error'))],
    ['anything else', new Error('socket hang up')],
  ])('leaves the outcome unknown after %s', (_, error) => {
    expect(declineOf(error)).toBeUndefined();
  });
});
