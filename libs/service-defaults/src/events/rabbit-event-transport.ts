import { Logger } from '@nestjs/common';
import type { DomainEvent, EventApp } from '@shop/contracts';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { EventTransport } from './event-transport';
import type { RabbitTopology } from './rabbit-topology';

/** Publishes to the topic exchange on a confirm channel: an event is safe once the broker confirmed it. */
export class RabbitEventTransport implements EventTransport {
  private readonly channel: ChannelWrapper;

  constructor(
    connection: AmqpConnectionManager,
    private readonly topology: RabbitTopology,
    producer: EventApp,
    private readonly timeoutMs: number,
  ) {
    this.channel = connection.createChannel({
      name: 'outbox-relay',
      confirm: true,
      setup: (channel: Parameters<RabbitTopology['assertProducer']>[0]) => topology.assertProducer(channel, producer),
    });
    this.channel.on('error', (error: Error) => new Logger('RabbitMQ').warn(`Channel setup failed: ${error.message}`));
  }

  publish(events: readonly DomainEvent[]): Promise<(Error | undefined)[]> {
    // Each on its own confirm, all in flight at once.
    return Promise.all(
      events.map((event) =>
        this.publishOne(event).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
      ),
    );
  }

  private async publishOne(event: DomainEvent): Promise<void> {
    await this.channel.publish(this.topology.exchange, event.type, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      contentType: 'application/json',
      messageId: event.id,
      type: event.type,
      headers: { 'x-request-id': event.requestId },
      // While the broker is away, fail this attempt rather than queue it in memory: the row stays
      // in the outbox (which survives a restart) and is tried again with backoff.
      timeout: this.timeoutMs,
    });
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}
