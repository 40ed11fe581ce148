import { EVENTS, type EventApp, type EventType } from '@shop/contracts';
import type { Channel } from 'amqp-connection-manager';

/**
 * Names and declarations of the RabbitMQ topology, used by producers and consumers alike: each
 * side asserts what it relies on, so whichever starts first, no event reaches an exchange with
 * no queue behind it. A queue's arguments must be identical on every assert, hence one place.
 */
export class RabbitTopology {
  constructor(private readonly prefix: string) {}

  get exchange(): string {
    return `${this.prefix}.events`;
  }

  get deadExchange(): string {
    return `${this.prefix}.events.dead`;
  }

  queue(app: EventApp): string {
    return `${this.prefix}.${app}`;
  }

  /** Failed deliveries wait here for their backoff (per-message TTL), then dead-letter back to the queue. */
  retryQueue(app: EventApp): string {
    return `${this.prefix}.${app}.retry`;
  }

  deadQueue(app: EventApp): string {
    return `${this.prefix}.${app}.dead`;
  }

  /** The consumer's queues, bound to `types` (the ones the asserting side knows of). */
  async assertConsumer(channel: Channel, app: EventApp, types: EventType[]): Promise<void> {
    await channel.assertExchange(this.exchange, 'topic', { durable: true });
    await channel.assertExchange(this.deadExchange, 'direct', { durable: true });
    await channel.assertQueue(this.queue(app), {
      durable: true,
      arguments: { 'x-dead-letter-exchange': this.deadExchange, 'x-dead-letter-routing-key': app },
    });
    await channel.assertQueue(this.retryQueue(app), {
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': this.queue(app) },
    });
    await channel.assertQueue(this.deadQueue(app), { durable: true });
    await channel.bindQueue(this.deadQueue(app), this.deadExchange, app);
    for (const type of types) await channel.bindQueue(this.queue(app), this.exchange, type);
  }

  /** What a producer asserts: its consumers' queues, bound to the events it produces for them. */
  async assertProducer(channel: Channel, producer: EventApp): Promise<void> {
    await channel.assertExchange(this.exchange, 'topic', { durable: true });
    const produced = (Object.keys(EVENTS) as EventType[]).filter((type) => EVENTS[type].producer === producer);
    const consumers = new Set(produced.flatMap((type) => EVENTS[type].consumers));
    for (const app of consumers) {
      const types = produced.filter((type) => (EVENTS[type].consumers as readonly EventApp[]).includes(app));
      await this.assertConsumer(channel, app, types);
    }
  }
}
