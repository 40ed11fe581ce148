import {
  canConnect,
  type RecordingProxy,
  signedToken,
  startRecordingProxy,
  startStripeMock,
  type StripeMock,
  type TestSystem,
  waitFor,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import Stripe from 'stripe';
import {
  expectProblem,
  newProduct,
  paymentStatuses,
  placeOrder,
  queryOrdersDb,
  startShop,
  stockOf,
} from './orders-fixtures';

const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;
const stripe = new Stripe('sk_test_helper');
let mock: StripeMock;
/** Between the orders app and stripe-mock: what the Stripe SDK really sent. */
let wire: RecordingProxy;
let system: TestSystem;
let admin: string;

beforeAll(async () => {
  mock = await startStripeMock();
  wire = await startRecordingProxy(mock.url);
  ({ system, admin } = await startShop('orders_stripe', {
    STRIPE_SECRET_KEY: 'sk_test_123',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: wire.url,
  }));
});
afterAll(async () => {
  await system?.stop();
  await wire?.stop();
  mock?.stop();
});

/** The PaymentIntents the orders app asked Stripe to create for an order: idempotency key and form parameters. */
const intentRequests = (orderId: string) =>
  wire.requests
    .filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents')
    .map((request) => ({ key: request.headers['idempotency-key'], params: new URLSearchParams(request.body) }))
    .filter(({ params }) => params.get('metadata[orderId]') === orderId);

const pay = (orderId: string, token: string, paymentMethod = 'pm_card_visa') =>
  system.http.post(`/api/v1/orders/${orderId}/payments`, { paymentMethod }, { token });
const read = (orderId: string, token: string) => system.http.get(`/api/v1/orders/${orderId}`, { token });

/** A PaymentIntent as a webhook names it: its id, the attempt in its metadata, what it took. */
interface IntentFields {
  id?: string;
  paymentId?: string;
  amount?: number;
  currency?: string;
}

function intentEvent(type: string, orderId: string, intent: IntentFields = {}) {
  return JSON.stringify({
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: intent.id ?? `pi_${randomUUID().replace(/-/g, '')}`,
        amount: intent.amount ?? 3998,
        amount_received: intent.amount ?? 3998,
        amount_capturable: intent.amount ?? 3998,
        currency: intent.currency ?? 'usd',
        object: 'payment_intent',
        status: 'succeeded',
        metadata: { orderId, ...(intent.paymentId && { paymentId: intent.paymentId }) },
      },
    },
  });
}

const deliver = (payload: string, signature?: string) =>
  system.http.request('POST', '/api/v1/payments/webhooks/stripe', {
    rawBody: payload,
    headers: signature === undefined ? {} : { 'stripe-signature': signature },
  });
const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
  stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: options.timestamp,
  });
const deliverSigned = (payload: string) => deliver(payload, sign(payload));

/** The order's payments as stored: status and the PaymentIntent each is known under. */
const paymentsOf = (orderId: string) =>
  queryOrdersDb(system, 'select status, provider_ref from payments where order_id = $1 order by created_at', [orderId]);

/** Pays through Stripe; also returns the PaymentIntent the attempt was recorded with, as its webhook would name it. */
async function payWithStripe(orderId: string, token: string, paymentMethod?: string) {
  const payment = (await pay(orderId, token, paymentMethod)).body;
  const [{ provider_ref: id }] = await queryOrdersDb(system, 'select provider_ref from payments where id = $1', [
    payment.id,
  ]);
  return { payment, intent: { id, paymentId: payment.id } as IntentFields };
}

const refundRequests = () =>
  wire.requests.filter((request) => request.method === 'POST' && request.path === '/v1/refunds');
/** The PaymentIntents the orders app asked Stripe to refund. */
const refundedIntents = () =>
  refundRequests().map((request) => new URLSearchParams(request.body).get('payment_intent'));
/** The idempotency keys of the refund requests for one PaymentIntent. */
const refundKeys = (intentId: string) =>
  refundRequests()
    .filter((request) => new URLSearchParams(request.body).get('payment_intent') === intentId)
    .map((request) => request.headers['idempotency-key']);

async function pendingOrder() {
  const buyer = signedToken(system);
  const product = await newProduct(system, admin, { price: 1999, stock: 5 });
  const order = (await placeOrder(system, buyer.token, { items: [{ productId: product.id, quantity: 2 }] })).body;
  return { buyer, product, order };
}

it('creates a confirmed PaymentIntent for the order total and waits for the webhook', async () => {
  const { buyer, order } = await pendingOrder();
  const payment = await pay(order.id, buyer.token);
  expect(payment.status).toBe(201);
  // stripe-mock answers every intent with a fixture that is not yet succeeded: the webhook settles it.
  expect(payment.body).toMatchObject({
    orderId: order.id,
    provider: 'stripe',
    status: 'processing',
    amount: 3998,
    currency: 'USD',
  });
  expect((await read(order.id, buyer.token)).body.status).toBe('pending');
  expectProblem(await pay(order.id, buyer.token), 409, 'PAYMENT_IN_PROGRESS');

  const [sent] = intentRequests(order.id);
  expect(sent.key).toBe(`order-${order.id}-payment-${payment.body.id}`);
  expect(Object.fromEntries(sent.params)).toMatchObject({
    amount: '3998',
    currency: 'usd',
    confirm: 'true',
    capture_method: 'manual',
    payment_method: 'pm_card_visa',
    'metadata[orderId]': order.id,
    'metadata[paymentId]': payment.body.id,
  });
});

it('moves the order to paid on a signed payment_intent.amount_capturable_updated, once however often it is delivered', async () => {
  const { buyer, order } = await pendingOrder();
  const { intent } = await payWithStripe(order.id, buyer.token);
  const payload = intentEvent('payment_intent.amount_capturable_updated', order.id, intent);
  const signature = sign(payload);
  const deliveries = await Promise.all([
    deliver(payload, signature),
    deliver(payload, signature),
    deliver(payload, signature),
  ]);
  expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200]);
  expect(deliveries[0].body).toEqual({ received: true });
  expect((await deliver(payload, sign(payload))).status).toBe(200);

  const paid = (await read(order.id, buyer.token)).body;
  expect(paid.status).toBe('paid');
  expect(paid.transitions.filter((transition: { to: string }) => transition.to === 'paid')).toEqual([
    expect.objectContaining({ from: 'pending', to: 'paid', actorRole: 'system' }),
  ]);
  expectProblem(await pay(order.id, buyer.token), 409, 'INVALID_TRANSITION');
});

it('refuses bad, tampered, replayed and missing signatures with 400 and changes nothing', async () => {
  const { buyer, order } = await pendingOrder();
  await pay(order.id, buyer.token);
  const payload = intentEvent('payment_intent.succeeded', order.id);
  const other = intentEvent('payment_intent.succeeded', randomUUID());
  const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;

  expectProblem(await deliver(payload, sign(payload, { secret: 'whsec_wrong' })), 400, 'INVALID_SIGNATURE');
  expectProblem(await deliver(payload, sign(other)), 400, 'INVALID_SIGNATURE');
  expectProblem(await deliver(payload, sign(payload, { timestamp: tenMinutesAgo })), 400, 'INVALID_SIGNATURE');
  expectProblem(await deliver(payload, 'garbage'), 400, 'INVALID_SIGNATURE');
  // Dated ahead of the clock beyond the same 5 minutes' tolerance: refused like a stale one.
  const tenMinutesAhead = Math.floor(Date.now() / 1000) + 600;
  expectProblem(await deliver(payload, sign(payload, { timestamp: tenMinutesAhead })), 400, 'INVALID_SIGNATURE');
  expectProblem(await deliver(payload), 400, 'INVALID_SIGNATURE');
  expect((await read(order.id, buyer.token)).body.status).toBe('pending');
});

it('frees the order after payment_intent.payment_failed, and charges the next card under a key of its own', async () => {
  const { buyer, order } = await pendingOrder();
  const first = await payWithStripe(order.id, buyer.token);
  const failed = intentEvent('payment_intent.payment_failed', order.id, first.intent);
  expect((await deliver(failed, sign(failed))).status).toBe(200);
  expect((await read(order.id, buyer.token)).body.status).toBe('pending');
  const second = await pay(order.id, buyer.token, 'pm_card_mastercard');
  expect(second.status).toBe(201);
  expect(await paymentStatuses(system, order.id)).toEqual(['declined', 'processing']);
  // Another card under the first attempt's key would be a conflicting replay to Stripe (an error).
  expect(intentRequests(order.id).map(({ key, params }) => [key, params.get('payment_method')])).toEqual([
    [`order-${order.id}-payment-${first.payment.id}`, 'pm_card_visa'],
    [`order-${order.id}-payment-${second.body.id}`, 'pm_card_mastercard'],
  ]);
});

it('keeps an attempt whose answer was lost processing until the recovery job asks Stripe again under its key', async () => {
  const { buyer, order } = await pendingOrder();
  wire.dropAnswers = true;
  let lost;
  try {
    lost = await pay(order.id, buyer.token);
  } finally {
    wire.dropAnswers = false;
  }
  expectProblem(lost, 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
  const [{ id: paymentId, status }] = await queryOrdersDb(
    system,
    'select id, status from payments where order_id = $1',
    [order.id],
  );
  expect(status).toBe('processing');
  // One try and the SDK's two retries, all one request to Stripe.
  expect(intentRequests(order.id).map(({ key }) => key)).toEqual(
    Array(3).fill(`order-${order.id}-payment-${paymentId}`),
  );
  // Stripe may have charged that card: no second charge starts until the first is known.
  expectProblem(await pay(order.id, buyer.token, 'pm_card_mastercard'), 409, 'PAYMENT_IN_PROGRESS');
  expect(intentRequests(order.id)).toHaveLength(3);

  // Once older than STUCK_ORDER_SECONDS, the attempt is replayed: same key, same parameters.
  await queryOrdersDb(system, `update payments set updated_at = now() - interval '5 minutes' where id = $1`, [
    paymentId,
  ]);
  await waitFor('the recovery job to ask Stripe again', async () => intentRequests(order.id).length === 4);
  const [first, , , replay] = intentRequests(order.id);
  expect(replay.key).toBe(first.key);
  expect(replay.params.toString()).toBe(first.params.toString());
  // stripe-mock's intent is not final yet: now recorded, it is the webhook's to settle.
  const unanswered = () =>
    queryOrdersDb(system, 'select provider_ref from payments where id = $1 and provider_ref is null', [paymentId]);
  await waitFor('the answer to be recorded', async () => (await unanswered()).length === 0);
  const [{ provider_ref: intentId, status: after }] = await queryOrdersDb(
    system,
    'select provider_ref, status from payments where id = $1',
    [paymentId],
  );
  expect({ intentId, after }).toEqual({ intentId: expect.stringMatching(/^pi_/), after: 'processing' });
  const succeeded = intentEvent('payment_intent.succeeded', order.id, { id: intentId });
  expect((await deliver(succeeded, sign(succeeded))).status).toBe(200);
  expect((await read(order.id, buyer.token)).body.status).toBe('paid');
  expect(intentRequests(order.id)).toHaveLength(4);
});

/** The requests the orders app sent to one PaymentIntent's `action` (capture, cancel), with their idempotency keys. */
const intentActions = (intentId: string, action: 'capture' | 'cancel') =>
  wire.requests
    .filter((request) => request.method === 'POST' && request.path === `/v1/payment_intents/${intentId}/${action}`)
    .map((request) => request.headers['idempotency-key']);

/** Paid through Stripe: the intent authorized (manual capture), as its webhook reports. */
async function authorizedOrder() {
  const placed = await pendingOrder();
  const { payment, intent } = await payWithStripe(placed.order.id, placed.buyer.token);
  await deliverSigned(intentEvent('payment_intent.amount_capturable_updated', placed.order.id, intent));
  return { ...placed, payment, intent };
}

it('captures the PaymentIntent when the order ships, once, under a key of its own', async () => {
  const { buyer, order, payment, intent } = await authorizedOrder();
  expect((await read(order.id, buyer.token)).body).toMatchObject({ status: 'paid', paymentStatus: 'authorized' });
  expect(intentActions(intent.id!, 'capture')).toEqual([]);
  const shipped = await system.http.patch(
    `/api/v1/orders/${order.id}/status`,
    { status: 'shipped', carrier: 'UPS', trackingNumber: '1Z999AA10123456784' },
    { token: admin },
  );
  expect(shipped.status).toBe(200);
  expect(shipped.body).toMatchObject({ status: 'shipped', paymentStatus: 'captured', carrier: 'UPS' });
  expect(intentActions(intent.id!, 'capture')).toEqual([`capture-${payment.id}`]);
  expect(await paymentsOf(order.id)).toEqual([{ status: 'captured', provider_ref: intent.id }]);
  // Stripe's own report of the capture changes nothing more.
  expect((await deliverSigned(intentEvent('payment_intent.succeeded', order.id, intent))).status).toBe(200);
  expect(await paymentsOf(order.id)).toEqual([{ status: 'captured', provider_ref: intent.id }]);
});

it('cancels (voids) the PaymentIntent of a paid order cancelled before shipment: no capture, no refund', async () => {
  const { buyer, order, payment, intent, product } = await authorizedOrder();
  const cancelled = await system.http.post(`/api/v1/orders/${order.id}/cancel`, undefined, { token: buyer.token });
  expect(cancelled.body).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
  expect(intentActions(intent.id!, 'cancel')).toEqual([`void-${payment.id}`]);
  expect(intentActions(intent.id!, 'capture')).toEqual([]);
  expect(refundedIntents()).not.toContain(intent.id);
  expect(await paymentsOf(order.id)).toEqual([{ status: 'voided', provider_ref: intent.id }]);
  expect(await stockOf(system, product.id)).toBe(5);
});

it('refuses to cancel a pending order while its Stripe payment is in flight, and voids it once authorized', async () => {
  const { buyer, order, intent } = await (async () => {
    const placed = await pendingOrder();
    return { ...placed, ...(await payWithStripe(placed.order.id, placed.buyer.token)) };
  })();
  const cancel = () => system.http.post(`/api/v1/orders/${order.id}/cancel`, undefined, { token: buyer.token });
  expectProblem(await cancel(), 409, 'PAYMENT_IN_PROGRESS');
  await deliverSigned(intentEvent('payment_intent.amount_capturable_updated', order.id, intent));
  expect((await cancel()).body).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
  expect(intentActions(intent.id!, 'capture')).toEqual([]);
});

it('refunds through Stripe and restocks when a paid order is cancelled after Stripe captured it', async () => {
  const { buyer, order, product } = await pendingOrder();
  const { intent } = await payWithStripe(order.id, buyer.token);
  await deliverSigned(intentEvent('payment_intent.succeeded', order.id, intent));
  expect(await stockOf(system, product.id)).toBe(3);
  const cancelled = await system.http.post(`/api/v1/orders/${order.id}/cancel`, undefined, { token: buyer.token });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');
  expect(await stockOf(system, product.id)).toBe(5);
  expect(await paymentStatuses(system, order.id)).toEqual(['refunded']);
});

it('cancels a paid order once when cancelled twice at the same time: stock back once, one refund', async () => {
  const { buyer, order, product } = await pendingOrder();
  const { intent } = await payWithStripe(order.id, buyer.token);
  await deliverSigned(intentEvent('payment_intent.succeeded', order.id, intent));
  expect((await read(order.id, buyer.token)).body.status).toBe('paid');
  const cancel = (token: string) => system.http.post(`/api/v1/orders/${order.id}/cancel`, undefined, { token });
  const answers = await Promise.all([cancel(buyer.token), cancel(admin)]);
  expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
  expectProblem(
    answers.find((answer) => answer.status === 409)!,
    409,
    'INVALID_TRANSITION',
  );
  expect(await stockOf(system, product.id)).toBe(5);
  const cancelled = (await read(order.id, buyer.token)).body;
  expect(cancelled.transitions.filter((transition: { to: string }) => transition.to === 'cancelled')).toHaveLength(1);
  expect(await paymentsOf(order.id)).toEqual([{ status: 'refunded', provider_ref: intent.id }]);
  expect(refundKeys(intent.id!)).toEqual([`refund-${intent.id}`]);
});

it('leaves a refund whose answer was lost to the recovery job, which retries it under the same key once the cancel is old', async () => {
  /** A paid order whose cancel got a 200 though every answer to its refund was lost on the way back. */
  const lostRefund = async () => {
    const { buyer, order } = await pendingOrder();
    const { intent } = await payWithStripe(order.id, buyer.token);
    await deliverSigned(intentEvent('payment_intent.succeeded', order.id, intent));
    wire.dropAnswers = true;
    try {
      const cancelled = await system.http.post(`/api/v1/orders/${order.id}/cancel`, undefined, { token: buyer.token });
      expect(cancelled.status).toBe(200);
    } finally {
      wire.dropAnswers = false;
    }
    return { order, intentId: intent.id! };
  };
  const age = (orderId: string) =>
    queryOrdersDb(system, `update orders set updated_at = now() - interval '5 minutes' where id = $1`, [orderId]);
  const refunded = (orderId: string) =>
    waitFor('the refund to be retried', async () => (await paymentsOf(orderId))[0].status === 'refunded');

  const fresh = await lostRefund();
  // One try and the SDK's two retries, all before the cancel was answered.
  expect(refundKeys(fresh.intentId)).toEqual(Array(3).fill(`refund-${fresh.intentId}`));
  // A later marker: an old cancel the recovery job does retry. The round that retried it also
  // found the fresh cancel, already recorded, and left it alone.
  const marker = await lostRefund();
  await age(marker.order.id);
  await refunded(marker.order.id);
  expect(refundKeys(fresh.intentId)).toEqual(Array(3).fill(`refund-${fresh.intentId}`));
  expect(await paymentsOf(fresh.order.id)).toEqual([{ status: 'captured', provider_ref: fresh.intentId }]);

  await age(fresh.order.id);
  await refunded(fresh.order.id);
  expect(refundKeys(fresh.intentId)).toEqual(Array(4).fill(`refund-${fresh.intentId}`));
});

it('records a capture whose request died before recording it, and marks the order paid once', async () => {
  const { buyer, order } = await pendingOrder();
  // No payment on record: the request that created this intent failed after Stripe took the money.
  const payload = intentEvent('payment_intent.succeeded', order.id);
  const deliveries = await Promise.all([deliver(payload, sign(payload)), deliver(payload, sign(payload))]);
  expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
  const paid = (await read(order.id, buyer.token)).body;
  expect(paid.status).toBe('paid');
  expect(paid.transitions.filter((transition: { to: string }) => transition.to === 'paid')).toHaveLength(1);
  expect(await paymentStatuses(system, order.id)).toEqual(['captured']);
});

it('gives back a second capture for an order that is already paid', async () => {
  const { buyer, order } = await pendingOrder();
  const { intent } = await payWithStripe(order.id, buyer.token);
  await deliverSigned(intentEvent('payment_intent.succeeded', order.id, intent));
  const secondIntent = `pi_${randomUUID().replace(/-/g, '')}`;
  const second = intentEvent('payment_intent.succeeded', order.id, { id: secondIntent });
  expect((await deliver(second, sign(second))).status).toBe(200);
  expect((await read(order.id, buyer.token)).body.status).toBe('paid');
  expect(await paymentStatuses(system, order.id)).toEqual(['captured']);
  const refunds = system
    .logs('orders')
    .split('\n')
    .filter((line) => line.includes('Gave back a second payment'));
  expect(refunds).toEqual([expect.stringContaining(secondIntent)]);
});

it('settles only the attempt a report names: another intent neither fails nor pays it, and its capture goes back', async () => {
  const { buyer, order } = await pendingOrder();
  const { payment, intent } = await payWithStripe(order.id, buyer.token);
  const stray = `pi_${randomUUID().replace(/-/g, '')}`;
  for (const event of [
    intentEvent('payment_intent.payment_failed', order.id, { id: stray }),
    intentEvent('payment_intent.payment_failed', order.id, { id: stray, paymentId: payment.id }),
    intentEvent('payment_intent.succeeded', order.id, { id: stray, paymentId: payment.id }),
  ])
    expect((await deliverSigned(event)).status).toBe(200);
  expect((await read(order.id, buyer.token)).body.status).toBe('pending');
  expect(await paymentsOf(order.id)).toEqual([{ status: 'processing', provider_ref: intent.id }]);
  // Money taken under another intent while this attempt is live would be a second capture.
  expect(refundedIntents().filter((id) => id === stray)).toHaveLength(1);

  expect((await deliverSigned(intentEvent('payment_intent.succeeded', order.id, intent))).status).toBe(200);
  expect((await read(order.id, buyer.token)).body.status).toBe('paid');
});

it('logs a capture whose amount or currency is not the order’s, and neither settles nor refunds it', async () => {
  const { buyer, order } = await pendingOrder();
  const { intent } = await payWithStripe(order.id, buyer.token);
  for (const wrong of [{ amount: 1 }, { currency: 'eur' }])
    expect(
      (await deliverSigned(intentEvent('payment_intent.succeeded', order.id, { ...intent, ...wrong }))).status,
    ).toBe(200);
  expect((await read(order.id, buyer.token)).body.status).toBe('pending');
  expect(await paymentsOf(order.id)).toEqual([{ status: 'processing', provider_ref: intent.id }]);
  expect(refundedIntents()).not.toContain(intent.id);
  const logged = system
    .logs('orders')
    .split('\n')
    .filter((line) => line.includes('does not match its order'));
  expect(logged).toEqual([expect.stringContaining(intent.id!), expect.stringContaining(intent.id!)]);
});

it('acknowledges events it has no use for without changing anything', async () => {
  const { buyer, order } = await pendingOrder();
  for (const payload of [
    intentEvent('charge.refunded', order.id),
    intentEvent('payment_intent.succeeded', 'not-an-order-id'),
    intentEvent('payment_intent.succeeded', randomUUID()),
  ]) {
    const delivery = await deliver(payload, sign(payload));
    expect({ status: delivery.status, body: delivery.body }).toEqual({ status: 200, body: { received: true } });
  }
  expect((await read(order.id, buyer.token)).body.status).toBe('pending');
  expect(await paymentStatuses(system, order.id)).toEqual([]);
});

it('runs stripe-mock on loopback only', async () => {
  const elsewhere = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && !address.internal && !address.address.startsWith('fe80:'))
    .map((address) => address!.address);
  for (const port of [mock.ports.http, mock.ports.https]) {
    expect(await canConnect(port)).toBe(true);
    for (const host of elsewhere)
      expect({ host, port, open: await canConnect(port, host) }).toEqual({ host, port, open: false });
  }
});

it('races 40 Stripe payments against cancels: every order ends cancelled, its intent voided, none captured', async () => {
  const placed = await Promise.all(Array.from({ length: 40 }, () => pendingOrder()));
  const cancel = (orderId: string, token: string) =>
    system.http.post(`/api/v1/orders/${orderId}/cancel`, undefined, { token });
  const raced = await Promise.all(
    // The cancel trails by 0-39 ms, so that some land before the payment and some while it is in flight.
    placed.map(({ buyer, order }, index) =>
      Promise.all([
        pay(order.id, buyer.token),
        new Promise((resolve) => setTimeout(resolve, index)).then(() => cancel(order.id, buyer.token)),
      ]),
    ),
  );
  // A machine too busy to answer within the gateway's deadline gets 504 (outcome unknown to the client, and the
  // request may still take effect), so the next step waits until each order is cancelled or its intent is created.
  for (const [paid, cancelled] of raced) {
    expect([201, 409, 504]).toContain(paid.status);
    expect([200, 409, 504]).toContain(cancelled.status);
    for (const answer of [paid, cancelled]) if (answer.status === 504) expectProblem(answer, 504, 'UPSTREAM_TIMEOUT');
  }
  const ids = placed.map(({ order }) => order.id);
  let attempts: { order_id: string; id: string; provider_ref: string | null }[] = [];
  await waitFor('every raced order to be cancelled or to hold a created intent', async () => {
    const orders: { id: string; status: string }[] = await queryOrdersDb(
      system,
      'select id, status from orders where id = any($1)',
      [ids],
    );
    attempts = await queryOrdersDb(
      system,
      `select order_id, id, provider_ref from payments where order_id = any($1) and status = 'processing'`,
      [ids],
    );
    return orders.every((row) =>
      row.status === 'cancelled'
        ? !attempts.some((attempt) => attempt.order_id === row.id)
        : attempts.some((attempt) => attempt.order_id === row.id && attempt.provider_ref !== null),
    );
  });
  // Stripe authorizes what was sent; each report moves its order to paid, and the customer cancels again.
  for (const { buyer, order } of placed) {
    const attempt = attempts.find((candidate) => candidate.order_id === order.id);
    if (!attempt?.provider_ref) continue;
    const authorized = intentEvent('payment_intent.amount_capturable_updated', order.id, {
      id: attempt.provider_ref,
      paymentId: attempt.id,
    });
    expect((await deliverSigned(authorized)).status).toBe(200);
    expect((await cancel(order.id, buyer.token)).body).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
  }
  const rows: { status: string; payments: string[] }[] = await queryOrdersDb(
    system,
    `select o.status, coalesce(array_agg(p.status) filter (where p.id is not null), '{}') as payments
       from orders o left join payments p on p.order_id = o.id where o.id = any($1) group by o.id, o.status`,
    [ids],
  );
  expect(rows.map((row) => row.status)).toEqual(Array(40).fill('cancelled'));
  expect(rows.flatMap((row) => row.payments).filter((status) => status !== 'voided')).toEqual([]);
  const intents: { provider_ref: string }[] = await queryOrdersDb(
    system,
    'select provider_ref from payments where order_id = any($1)',
    [ids],
  );
  // Which way each race went depends on the machine; the rules hold for every way.
  console.log(
    `Stripe pay/cancel races: ${intents.length} of 40 had their payment under way before the cancel (then voided)`,
  );
  // On the wire: a cancel for every intent, never a capture or a refund.
  for (const { provider_ref: intentId } of intents) {
    expect(intentActions(intentId, 'cancel')).toHaveLength(1);
    expect(intentActions(intentId, 'capture')).toEqual([]);
    expect(refundedIntents()).not.toContain(intentId);
  }
});
