import { EVENTS } from '@shop/contracts';
import {
  HttpClient,
  type SmtpSink,
  startSmtpSink,
  startTcpProxy,
  type TcpProxy,
  type TestSystem,
  waitFor,
} from '@shop/testing';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { newCustomer, newProduct, placeOrder, queryDb, startShop } from './shop-fixtures';

/** The real RabbitMQ server every test shares; this system's exchanges and queues have a prefix of their own. */
const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const ORDERS = Number(process.env.RABBITMQ_TEST_ORDERS ?? 500);
const MAX_ATTEMPTS = 3;

let smtp: SmtpSink;
let broker: TcpProxy;
let system: TestSystem;
let admin: string;
let connection: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  smtp = await startSmtpSink();
  // Every app reaches the broker through this proxy, so a test can take the broker away from the
  // shop without stopping the server other tests share.
  broker = await startTcpProxy(RABBITMQ_URL);
  ({ system, admin } = await startShop('rabbitmq', {
    smtpUrl: smtp.url,
    rabbitmqUrl: broker.url,
    notifications: { EVENT_MAX_ATTEMPTS: String(MAX_ATTEMPTS), EVENT_RETRY_BASE_MS: '200' },
    orders: { HEALTH_PORT: '0', EVENT_RETRY_BASE_MS: '200' },
  }));
  connection = await amqplib.connect(RABBITMQ_URL);
  channel = await connection.createChannel();
}, 180_000);

afterAll(async () => {
  const prefix = system?.rabbitmqPrefix;
  await system?.stop();
  if (channel && prefix) {
    for (const queue of ['notifications', 'notifications.retry', 'notifications.dead']) {
      await channel.deleteQueue(`${prefix}.${queue}`);
    }
    await channel.deleteExchange(`${prefix}.events`);
    await channel.deleteExchange(`${prefix}.events.dead`);
  }
  await connection?.close();
  await broker?.stop();
  await smtp?.stop();
});

const queue = (name: string) => `${system.rabbitmqPrefix}.${name}`;
const placedEmails = (orderId: string) =>
  smtp.messages.filter((mail) => mail.subject.endsWith(`order ${orderId} received`));
const outboxDepth = async () => {
  // Where orders answers probes now: a restarted instance binds a health port of its own (HEALTH_PORT=0).
  const ordersMetrics = new HttpClient(`http://127.0.0.1:${system.healthPort('orders')}`);
  const text = (await ordersMetrics.get('/metrics')).text;
  return Number(/^shop_outbox_depth (\d+)/m.exec(text)?.[1]);
};
/** Every message dead-lettered so far (taken off the queue). */
async function drainDeadLetters(): Promise<amqplib.GetMessage[]> {
  const taken: amqplib.GetMessage[] = [];
  for (;;) {
    const message = await channel.get(queue('notifications.dead'), { noAck: true });
    if (!message) return taken;
    taken.push(message);
  }
}
const publishByHand = (routingKey: string, content: string, messageId: string) =>
  channel.publish(`${system.rabbitmqPrefix}.events`, routingKey, Buffer.from(content), { persistent: true, messageId });

describe('events over RabbitMQ', () => {
  it(`delivers every "order placed" email exactly once when notifications was down while ${ORDERS} orders were placed`, async () => {
    // One at a time: each registration is a deliberately slow password hash.
    const customers: { token: string }[] = [];
    for (let i = 0; i < 10; i++) customers.push(await newCustomer(system));
    // A product per customer: one hot row would make this a test of lock contention.
    const products: { id: string }[] = [];
    for (let i = 0; i < customers.length; i++) products.push(await newProduct(system, admin, { stock: ORDERS }));
    const orderIds: string[] = [];
    expect(await system.stopApp('notifications')).toBe(0);
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < ORDERS) {
            const i = next++;
            const customer = i % customers.length;
            orderIds.push((await placeOrder(system, customers[customer].token, products[customer].id)).id);
          }
        }),
      );
      expect(orderIds).toHaveLength(ORDERS);
      // Published while the consumer was away: the broker holds them in its durable queue.
      await waitFor('every event published', async () => (await outboxDepth()) === 0, 120_000);
      expect(smtp.messages.filter((mail) => orderIds.some((id) => mail.subject.includes(id)))).toEqual([]);
    } finally {
      await system.startApp('notifications');
    }
    await waitFor(`${ORDERS} order emails`, async () => orderIds.every((id) => placedEmails(id).length >= 1), 300_000);
    // Settled: the queue is empty and nothing is left to send; only then is "exactly one" meaningful.
    await waitFor(
      'the queue drained',
      async () => (await channel.checkQueue(queue('notifications'))).messageCount === 0,
    );
    await waitFor(
      'nothing queued to send',
      async () =>
        (
          await queryDb(system, 'notifications', "SELECT count(*)::int AS n FROM notifications WHERE status = 'queued'")
        )[0].n === 0,
    );
    expect(orderIds.filter((id) => placedEmails(id).length !== 1)).toEqual([]);
    const rows = await queryDb(
      system,
      'notifications',
      "SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders FROM notifications WHERE template = 'order-placed' AND status = 'sent'",
    );
    expect(rows[0]).toEqual({ n: ORDERS, orders: ORDERS });
  }, 900_000);

  it('keeps placing orders while the broker is away (the outbox grows), and publishes them, even across a crash, when it is back', async () => {
    const customer = await newCustomer(system);
    const product = await newProduct(system, admin);
    broker.cut();
    const whileDown: string[] = [];
    try {
      for (let i = 0; i < 5; i++) whileDown.push((await placeOrder(system, customer.token, product.id)).id);
    } catch (error) {
      broker.restore();
      throw error;
    }
    expect(await outboxDepth()).toBeGreaterThanOrEqual(5);
    const unpublished = await queryDb(
      system,
      'orders',
      "SELECT aggregate_id FROM outbox WHERE type = 'order.placed' AND published_at IS NULL",
    );
    expect(unpublished.map((row) => row.aggregate_id)).toEqual(expect.arrayContaining(whileDown));

    // Committed, not yet published: the process dies. The rows are all that is left of the events.
    await system.stopApp('orders', 'SIGKILL');
    broker.restore();
    await system.startApp('orders');
    await smtp.waitFor(
      'the emails of orders placed while the broker was down',
      (mail) => whileDown.some((id) => mail.subject.endsWith(`order ${id} received`)),
      whileDown.length,
      120_000,
    );
    await waitFor('the outbox drained', async () => (await outboxDepth()) === 0, 60_000);
  }, 300_000);

  it('dead-letters an event whose handler keeps failing after the last attempt, without holding up the others', async () => {
    const eventId = randomUUID();
    const orderId = randomUUID();
    // A well-formed order.placed for a user auth does not know: the handler fails on every attempt.
    publishByHand(
      'order.placed',
      JSON.stringify({
        id: eventId,
        type: 'order.placed',
        schemaVersion: EVENTS['order.placed'].version,
        occurredAt: new Date().toISOString(),
        aggregateId: orderId,
        aggregateVersion: 1,
        requestId: 'by-hand',
        payload: { orderId, userId: randomUUID(), status: 'pending', total: 100, currency: 'EUR', lines: [] },
      }),
      eventId,
    );
    const customer = await newCustomer(system);
    const order = await placeOrder(system, customer.token, (await newProduct(system, admin)).id);
    await smtp.waitFor('the other order email', (mail) => mail.subject.endsWith(`order ${order.id} received`));

    let dead: amqplib.GetMessage[] = [];
    await waitFor(
      'the failing event dead-lettered',
      async () => {
        dead = dead.concat(await drainDeadLetters());
        return dead.some((message) => message.properties.messageId === eventId);
      },
      60_000,
    );
    const message = dead.find((m) => m.properties.messageId === eventId)!;
    expect(message.properties.headers?.['x-attempts']).toBe(MAX_ATTEMPTS);
    const logged = system
      .logEntries('notifications')
      .filter((entry) => entry.eventId === eventId && /dead-lettered/.test(entry.msg));
    expect(logged).toHaveLength(1);
  }, 180_000);

  it('dead-letters a malformed message with a log line and keeps consuming', async () => {
    const messageId = randomUUID();
    publishByHand('order.placed', '{"this is": not json', messageId);
    const wrongShape = randomUUID();
    publishByHand('order.paid', JSON.stringify({ id: wrongShape, type: 'order.paid', schemaVersion: 1 }), wrongShape);

    let dead: amqplib.GetMessage[] = [];
    await waitFor(
      'both dead-lettered',
      async () => {
        dead = dead.concat(await drainDeadLetters());
        return [messageId, wrongShape].every((id) => dead.some((m) => m.properties.messageId === id));
      },
      60_000,
    );
    const logged = system
      .logEntries('notifications')
      .filter((entry) => /^Malformed message dead-lettered/.test(entry.msg));
    expect(logged.map((entry) => entry.messageId)).toEqual(expect.arrayContaining([messageId, wrongShape]));

    const customer = await newCustomer(system);
    const order = await placeOrder(system, customer.token, (await newProduct(system, admin)).id);
    await smtp.waitFor('an email after the malformed ones', (mail) =>
      mail.subject.endsWith(`order ${order.id} received`),
    );
  }, 180_000);
});
