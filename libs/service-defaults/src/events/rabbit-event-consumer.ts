import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { EventApp } from '@shop/contracts';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConsumeMessage } from 'amqplib';
import { EVENT_HANDLER, EVENTS_CONFIG, RABBIT_CONNECTION, RABBIT_TOPOLOGY } from './events.tokens';
import type { EventsConfig } from './events.config';
import { eventMetrics } from './events.metrics';
import { requestContext } from '../logging/request-context';
import { backoffMs } from '../polling/lease-due-rows';
import { EventDispatcher, type EventHandler } from './event-dispatcher';
import { MalformedEventError, parseEventEnvelope } from './event-envelope.parser';

import type { RabbitTopology } from './rabbit-topology';

/** Messages handled at once per consumer; more would only hold them from other replicas. */
const PREFETCH = 16;
const ATTEMPTS_HEADER = 'x-attempts';

/**
 * The app's durable queue on RabbitMQ, with manual acks. A handled (or duplicate) event is acked;
 * a failed one is acked after a copy went to the retry queue, where it waits its backoff and then
 * returns; after the last attempt it is rejected into the dead-letter queue. A message that is not
 * a valid event is dead-lettered at once, with a log line, and consuming goes on.
 */
@Injectable()
export class RabbitEventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RabbitConsumer');
  private channel?: ChannelWrapper;

  constructor(
    @Inject(RABBIT_CONNECTION) private readonly connection: AmqpConnectionManager,
    @Inject(RABBIT_TOPOLOGY) private readonly topology: RabbitTopology,
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    @Inject(EVENT_HANDLER) private readonly handler: EventHandler,
    private readonly dispatcher: EventDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const app = this.config.service;
    this.channel = this.connection.createChannel({
      name: 'event-consumer',
      confirm: true,
      setup: (channel: Parameters<RabbitTopology['assertConsumer']>[0]) =>
        this.topology.assertConsumer(channel, app, [...this.handler.handles]),
    });
    this.channel.on('error', (error: Error) => this.logger.warn(`Channel setup failed: ${error.message}`));
    await this.channel.consume(this.topology.queue(app), (message) => void this.receive(app, message), {
      prefetch: PREFETCH,
    });
  }

  /** Before the database and the broker connection close (their hooks run after this one). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.channel?.close();
  }

  private async receive(app: EventApp, message: ConsumeMessage): Promise<void> {
    const channel = this.channel!;
    let event;
    try {
      event = parseEventEnvelope(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      const reason = error instanceof MalformedEventError ? error.message : 'not JSON';
      eventMetrics.deadLettered.inc({ type: 'malformed' });
      this.logger.error(
        { messageId: message.properties.messageId, routingKey: message.fields.routingKey, reason },
        `Malformed message dead-lettered: ${reason}`,
      );
      return channel.nack(message, false, false);
    }
    try {
      const outcome = await this.dispatcher.dispatch(event);
      channel.ack(message);
      requestContext.run({ requestId: event.requestId }, () =>
        this.logger.log({ eventId: event.id, type: event.type, outcome }, `Consumed ${event.type} (${outcome})`),
      );
    } catch (error) {
      const attempts = Number(message.properties.headers?.[ATTEMPTS_HEADER] ?? 1);
      const log = { eventId: event.id, type: event.type, attempts, error: (error as Error).message };
      if (attempts >= this.config.maxAttempts) {
        eventMetrics.deadLettered.inc({ type: event.type });
        this.logger.error(log, `Handling ${event.type} failed ${attempts} times; dead-lettered`);
        return channel.nack(message, false, false);
      }
      const delayMs = backoffMs(attempts, this.config.retryBaseMs);
      try {
        // Confirmed before the original is acked: a crash in between redelivers, and dedupe absorbs it.
        await channel.sendToQueue(this.topology.retryQueue(app), message.content, {
          ...message.properties,
          headers: { ...message.properties.headers, [ATTEMPTS_HEADER]: attempts + 1 },
          expiration: String(delayMs),
          persistent: true,
        });
        channel.ack(message);
        eventMetrics.retried.inc({ type: event.type });
        this.logger.warn({ ...log, retryInMs: delayMs }, `Handling ${event.type} failed; retrying`);
      } catch (retryError) {
        this.logger.warn({ ...log, retryError: (retryError as Error).message }, 'Could not schedule a retry; requeued');
        channel.nack(message, false, true);
      }
    }
  }
}
