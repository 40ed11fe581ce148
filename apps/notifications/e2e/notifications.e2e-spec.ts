import { deliverEvents, type DomainEvent, MAX_EVENTS_PER_DELIVERY } from '@shop/contracts';
import { ServiceClient } from '@shop/service-defaults';
import {
  type SmtpSink,
  startSmtpSink,
  startTwilioStandIn,
  type TestSystem,
  type TwilioStandIn,
  waitFor,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { newCustomer, newProduct, placeOrder, queryDb, startShop, TWILIO } from './shop-fixtures';

let smtp: SmtpSink;
let twilio: TwilioStandIn;
let system: TestSystem;
let admin: string;

beforeAll(async () => {
  smtp = await startSmtpSink({ refuse: (address) => address.startsWith('bounce-') });
  twilio = await startTwilioStandIn();
  ({ system, admin } = await startShop('notifications', {
    smtpUrl: smtp.url,
    twilioUrl: twilio.url,
    // A bounced address is retried quickly and given up on after two attempts. A shop name beyond
    // ASCII puts encoded words in every subject.
    notifications: { NOTIFY_MAX_ATTEMPTS: '2', NOTIFY_RETRY_BASE_MS: '100', SHOP_NAME: 'Test Shöp' },
  }));
}, 180_000);

afterAll(async () => {
  await system?.stop();
  await smtp?.stop();
  await twilio?.stop();
});

const notificationsOf = async (orderId: string) =>
  (await system.http.get(`/api/v1/notifications?orderId=${orderId}&limit=100`, { token: admin })).body;

describe('order notifications, delivered without a broker (embedded TCP path)', () => {
  it('emails placed, paid and shipped, texts the shipment to an opted-in phone, and lists them as sent', async () => {
    const customer = await newCustomer(system, 'Ada Lovelace');
    const patched = await system.http.patch(
      '/api/v1/auth/me',
      { phone: '+447700900123', notifications: { sms: true } },
      { token: customer.token },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ phone: '+447700900123', notifications: { email: true, sms: true } });

    const product = await newProduct(system, admin);
    const order = await placeOrder(system, customer.token, product.id, 2);
    expect(order.total).toBe(4980);
    const paid = await system.http.post(
      `/api/v1/orders/${order.id}/payments`,
      { paymentMethod: '4242 4242 4242 4242' },
      { token: customer.token },
    );
    expect(paid.status).toBe(201);
    const shipped = await system.http.patch(
      `/api/v1/orders/${order.id}/status`,
      { status: 'shipped', carrier: 'DHL', trackingNumber: 'JD014600006281230704' },
      { token: admin },
    );
    expect(shipped.status).toBe(200);

    // Registration's verification email goes to the same address; these are the order's.
    const mails = await smtp.waitFor(
      'three emails',
      (mail) => mail.to.includes(customer.email) && mail.subject.includes(order.id),
      3,
    );
    const bySubject = Object.fromEntries(mails.map((mail) => [mail.subject, mail]));
    expect(Object.keys(bySubject).sort()).toEqual(
      [
        `Test Shöp: order ${order.id} is on its way`,
        `Test Shöp: order ${order.id} received`,
        `Test Shöp: payment received for order ${order.id}`,
      ].sort(),
    );
    const placed = bySubject[`Test Shöp: order ${order.id} received`];
    expect(placed.from).toBe('"Test Shop" <shop@shop.test>');
    expect(placed.text).toContain('Hello Ada Lovelace');
    expect(placed.text).toContain(`2 × Espresso beans (${product.sku}): €49.80`);
    expect(placed.text).toContain('Total: €49.80');
    expect(placed.html).toContain('<strong>€49.80</strong>');
    const onItsWay = bySubject[`Test Shöp: order ${order.id} is on its way`];
    expect(onItsWay.text).toContain('Carrier: DHL, tracking number JD014600006281230704');

    await waitFor('the text message', async () => twilio.requests.length > 0);
    expect(twilio.requests).toEqual([
      {
        method: 'POST',
        path: `/2010-04-01/Accounts/${TWILIO.sid}/Messages.json`,
        auth: `${TWILIO.sid}:${TWILIO.token}`,
        contentType: 'application/x-www-form-urlencoded',
        form: {
          To: '+447700900123',
          From: TWILIO.from,
          Body: `Test Shöp: your order ${order.id} has shipped. Tracking: JD014600006281230704`,
        },
      },
    ]);

    await waitFor('every notification sent', async () =>
      (await notificationsOf(order.id)).items.every((n: { status: string }) => n.status === 'sent'),
    );
    const listed = await notificationsOf(order.id);
    expect(listed.total).toBe(4);
    expect(
      listed.items.map(
        (n: { template: string; channel: string; recipient: string; status: string; attempts: number }) => [
          n.template,
          n.channel,
          n.recipient,
          n.status,
          n.attempts,
        ],
      ),
    ).toEqual(
      expect.arrayContaining([
        ['order-placed', 'email', customer.email, 'sent', 1],
        ['order-paid', 'email', customer.email, 'sent', 1],
        ['order-shipped', 'email', customer.email, 'sent', 1],
        ['order-shipped-sms', 'sms', '+447700900123', 'sent', 1],
      ]),
    );
    const sms = await system.http.get(`/api/v1/notifications?orderId=${order.id}&channel=sms`, { token: admin });
    expect(sms.body.total).toBe(1);
  });

  it('emails a placed order exactly as rendered: UTF-8 subject and name, long lines, lines starting with a dot', async () => {
    const customer = await newCustomer(system, 'Zoë Ångström-Łukasiewicz');
    // Quoted-printable breaks a long line after a dot, so the next line on the wire starts with one.
    const name = `Espresso beans, dark roast ${'.'.repeat(150)} ☕`;
    const product = await newProduct(system, admin, { name });
    const order = await placeOrder(system, customer.token, product.id, 2);
    const [mail] = await smtp.waitFor('the order email', (mail) => mail.subject.includes(order.id));
    expect(mail).toEqual({
      recipients: [customer.email],
      to: [customer.email],
      from: '"Test Shop" <shop@shop.test>',
      subject: `Test Shöp: order ${order.id} received`,
      text: [
        'Hello Zoë Ångström-Łukasiewicz,',
        '',
        `thank you for your order ${order.id}. We will let you know when it ships.`,
        '',
        `2 × ${name} (${product.sku}): €49.80`,
        '',
        'Total: €49.80',
        '',
        'Test Shöp',
        '',
      ].join('\n'),
      html: [
        '<!doctype html>',
        '<html><body>',
        '<p>Hello Zoë Ångström-Łukasiewicz,</p>',
        `<p>thank you for your order <strong>${order.id}</strong>. We will let you know when it ships.</p>`,
        '<table>',
        `<tr><td>2 ×</td><td>${name} <small>(${product.sku})</small></td><td align="right">€49.80</td></tr>`,
        '<tr><td colspan="2"><strong>Total</strong></td><td align="right"><strong>€49.80</strong></td></tr>',
        '</table>',
        '<p>Test Shöp</p>',
        '</body></html>',
        '',
      ].join('\n'),
    });
  });

  /** An order placed and its email sent, with the order.placed event as the orders app wrote it. */
  async function emailedOrder() {
    const customer = await newCustomer(system);
    const product = await newProduct(system, admin);
    const order = await placeOrder(system, customer.token, product.id);
    await smtp.waitFor('the order email', (mail) => mail.subject.includes(order.id));
    const [row] = await queryDb(system, 'notifications', 'SELECT event_id FROM notifications WHERE order_id = $1', [
      order.id,
    ]);
    const [{ envelope }] = await queryDb(system, 'orders', 'SELECT envelope FROM outbox WHERE event_id = $1', [
      row.event_id,
    ]);
    return { order, envelope };
  }

  /** The order's one notification is its email, sent once. */
  async function expectOneEmail(orderId: string) {
    const rows = await queryDb(system, 'notifications', 'SELECT channel FROM notifications WHERE order_id = $1', [
      orderId,
    ]);
    expect(rows).toEqual([{ channel: 'email' }]);
    expect(smtp.messages.filter((mail) => mail.subject.includes(orderId))).toHaveLength(1);
  }

  it('handles a redelivered event once: one message per (event, channel)', async () => {
    const { order, envelope } = await emailedOrder();

    const client = ServiceClient.tcp('notifications', system.address('notifications'), 10_000);
    try {
      // Three times in one delivery and once more in another, beside a malformed copy that fails alone.
      const malformed = { ...(envelope as DomainEvent), type: 'order.nope' } as unknown as DomainEvent;
      const [again, alone] = await Promise.all([
        client.call(deliverEvents, [envelope, envelope, malformed, envelope] as DomainEvent[]),
        client.call(deliverEvents, [envelope as DomainEvent]),
      ]);
      expect(again).toEqual([
        { outcome: 'duplicate' },
        { outcome: 'duplicate' },
        { outcome: 'failed', error: { status: 400, code: 'VALIDATION_FAILED', detail: expect.stringMatching(/type/) } },
        { outcome: 'duplicate' },
      ]);
      expect(alone).toEqual([{ outcome: 'duplicate' }]);
    } finally {
      client.close();
    }
    await expectOneEmail(order.id);
  });

  it('refuses a delivery that is not a bounded list of events whole, with 400', async () => {
    const client = ServiceClient.tcp('notifications', system.address('notifications'), 10_000);
    try {
      const tooMany = Array.from({ length: MAX_EVENTS_PER_DELIVERY + 1 }, () => ({}) as DomainEvent);
      await expect(client.call(deliverEvents, tooMany)).rejects.toMatchObject({ status: 400 });
      await expect(client.call(deliverEvents, {} as DomainEvent[])).rejects.toMatchObject({ status: 400 });
    } finally {
      client.close();
    }
  });

  it('acks a redelivered event as a duplicate even when its recipient can no longer be looked up', async () => {
    const { order, envelope } = await emailedOrder();
    // The same event, its customer now unknown to auth (as if deleted): the recipient lookup fails.
    const event = envelope as DomainEvent<'order.placed'>;
    const orphaned = { ...event, payload: { ...event.payload, userId: randomUUID() } } as DomainEvent;

    const client = ServiceClient.tcp('notifications', system.address('notifications'), 10_000);
    try {
      // A first delivery whose lookup fails still fails, to be retried: nothing is marked for it.
      const unseen = { ...orphaned, id: randomUUID() };
      const [redelivered, first] = await client.call(deliverEvents, [orphaned, unseen]);
      expect(redelivered).toEqual({ outcome: 'duplicate' });
      expect(first).toMatchObject({ outcome: 'failed', error: { status: expect.any(Number) } });
      expect(
        await queryDb(system, 'notifications', 'SELECT 1 FROM processed_events WHERE event_id = $1', [unseen.id]),
      ).toEqual([]);
    } finally {
      client.close();
    }
    await expectOneEmail(order.id);
  });

  it("marks published only the round's events the consumer acked, and retries only the malformed one and the one whose handling failed", async () => {
    const { envelope } = await emailedOrder();
    const placed = envelope as DomainEvent<'order.placed'>;
    // Four events of four aggregates written at once, so the relay takes them in one round: two
    // good, one whose payload fails validation, one whose recipient auth does not know.
    const copy = (payload: object) => ({ ...placed, id: randomUUID(), aggregateId: randomUUID(), payload });
    const good = [copy(placed.payload), copy(placed.payload)];
    const malformed = copy({ ...placed.payload, total: 'lots' });
    const failing = copy({ ...placed.payload, userId: randomUUID() });
    const events = [good[0], malformed, good[1], failing];
    await queryDb(
      system,
      'orders',
      `INSERT INTO outbox (event_id, type, aggregate_id, envelope)
       SELECT (e->>'id')::uuid, e->>'type', e->>'aggregateId', e FROM jsonb_array_elements($1::jsonb) e`,
      [JSON.stringify(events)],
    );
    const outboxRows = async () =>
      Object.fromEntries(
        (
          await queryDb(
            system,
            'orders',
            `SELECT event_id, attempts, last_error, published_at IS NOT NULL AS published, dead_at IS NOT NULL AS dead
             FROM outbox WHERE event_id = ANY($1::uuid[])`,
            [events.map((event) => event.id)],
          )
        ).map(({ event_id, ...row }) => [event_id, row]),
      );
    const processed = async () =>
      (
        await queryDb(
          system,
          'notifications',
          'SELECT event_id FROM processed_events WHERE event_id = ANY($1::uuid[])',
          [events.map((event) => event.id)],
        )
      )
        .map((row) => row.event_id)
        .sort();

    // Tried again with backoff, the failed ones only: the good ones stay published after their one attempt.
    await waitFor(
      'the failed events tried twice',
      async () => {
        const rows = await outboxRows();
        return rows[malformed.id]?.attempts >= 2 && rows[failing.id]?.attempts >= 2;
      },
      60_000,
    );
    const rows = await outboxRows();
    for (const event of good)
      expect(rows[event.id]).toEqual({ attempts: 0, last_error: null, published: true, dead: false });
    expect(rows[malformed.id]).toMatchObject({
      published: false,
      last_error: expect.stringMatching(/^notifications: payload: total/),
    });
    expect(rows[failing.id]).toMatchObject({ published: false, last_error: expect.stringMatching(/^notifications: /) });
    expect(await processed()).toEqual(good.map((event) => event.id).sort());
    // One email per good event, beside the order's own.
    await smtp.waitFor("the good copies' emails", (mail) => mail.subject.includes(placed.payload.orderId), 3);
  });

  it('records a message that keeps failing as failed after the last attempt, with its error', async () => {
    const customer = await newCustomer(system, 'Bea', 'bounce');
    const product = await newProduct(system, admin);
    const order = await placeOrder(system, customer.token, product.id);
    await waitFor('the email given up on', async () => (await notificationsOf(order.id)).items[0]?.status === 'failed');
    const [failed] = (await notificationsOf(order.id)).items;
    expect(failed).toMatchObject({
      channel: 'email',
      recipient: customer.email,
      status: 'failed',
      attempts: 2,
      sentAt: null,
    });
    expect(failed.lastError).toMatch(/550/);
    const listed = await system.http.get(`/api/v1/notifications?status=failed&userId=${customer.id}`, { token: admin });
    expect(listed.body.total).toBe(1);
  });
});

describe('contact details and the notification log', () => {
  it('refuses malformed contact details with 400 naming the field', async () => {
    const { token } = await newCustomer(system);
    for (const body of [
      { phone: '07700 900123' },
      { phone: '+0123' },
      { notifications: { sms: 'yes' } },
      { notifications: 'on' },
      { name: '' },
      { email: 'new@shop.test' },
    ]) {
      const response = await system.http.patch('/api/v1/auth/me', body, { token });
      expect({ body, status: response.status, code: response.body.code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const removed = await system.http.patch('/api/v1/auth/me', { phone: null, name: ' Grace ' }, { token });
    expect(removed.body).toMatchObject({ phone: null, name: 'Grace' });
    expect((await system.http.get('/api/v1/auth/me', { token })).body).toMatchObject({
      name: 'Grace',
      phone: null,
      notifications: { email: true, sms: false },
    });
  });

  it('lists notifications to admins only, with validated filters', async () => {
    const { token } = await newCustomer(system);
    expect((await system.http.get('/api/v1/notifications', { token })).status).toBe(403);
    expect((await system.http.get('/api/v1/notifications')).status).toBe(401);
    for (const query of ['status=lost', 'channel=fax', 'orderId=42', 'limit=1000']) {
      const response = await system.http.get(`/api/v1/notifications?${query}`, { token: admin });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
    const page = await system.http.get(`/api/v1/notifications?userId=${randomUUID()}`, { token: admin });
    expect(page.body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
  });
});
