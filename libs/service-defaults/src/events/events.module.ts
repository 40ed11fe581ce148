import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type Provider,
  type Type,
} from '@nestjs/common';
import amqp, { type AmqpConnectionManager } from 'amqp-connection-manager';
import { Logger } from '@nestjs/common';
import { EVENTS, type EventType } from '@shop/contracts';
import type { EventsConfig } from './events.config';
import { EventsController } from './events.controller';
import { EventDispatcher, type EventHandler } from './event-dispatcher';
import {
  EVENT_HANDLER,
  EVENT_TRANSPORT,
  EVENTS_CONFIG,
  EVENTS_SERVICE,
  RABBIT_CONNECTION,
  RABBIT_TOPOLOGY,
} from './events.tokens';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { RabbitEventConsumer } from './rabbit-event-consumer';
import { RabbitEventTransport } from './rabbit-event-transport';
import { RabbitTopology } from './rabbit-topology';
import { TcpEventTransport } from './tcp-event-transport';

export interface EventsModuleOptions {
  config: EventsConfig;
  /** A consuming app's handler, with the modules its dependencies come from. */
  handler?: Type<EventHandler>;
  imports?: ModuleMetadata['imports'];
}

/** Closes the broker connection last, after the relay and the consumer closed their channels. */
@Injectable()
class RabbitConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(RABBIT_CONNECTION) private readonly connection: AmqpConnectionManager) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

function rabbitProviders(url: string, prefix: string): Provider[] {
  return [
    {
      provide: RABBIT_CONNECTION,
      useFactory: () => {
        const logger = new Logger('RabbitMQ');
        const connection = amqp.connect([url], { heartbeatIntervalInSeconds: 30, reconnectTimeInSeconds: 1 });
        // Logged once per change: the outbox keeps every event while the broker is away.
        connection.on('connect', () => logger.log('Connected to RabbitMQ'));
        connection.on('disconnect', ({ err }) => logger.warn(`RabbitMQ connection lost: ${err?.message ?? 'closed'}`));
        return connection;
      },
    },
    { provide: RABBIT_TOPOLOGY, useValue: new RabbitTopology(prefix) },
    RabbitConnectionCloser,
  ];
}

/**
 * Domain events for one app (global: import it once, in the app's root module): the {@link Outbox}
 * to write them in its transactions, the relay that
 * publishes them (to RabbitMQ with RABBITMQ_URL, else over TCP to each consuming app), and for a
 * consuming app its handler behind both paths.
 */
@Module({})
export class EventsModule {
  static forRoot({ config, handler, imports = [] }: EventsModuleOptions): DynamicModule {
    const rabbit = config.rabbitmqUrl;
    // Events nobody consumes yet are published too (to the exchange; embedded, there is no one to
    // hand them to): either way they leave the outbox and are pruned.
    const producer = (Object.keys(EVENTS) as EventType[]).some((type) => EVENTS[type].producer === config.service);
    const providers: Provider[] = [
      { provide: EVENTS_CONFIG, useValue: config },
      { provide: EVENTS_SERVICE, useValue: config.service },
      Outbox,
      ...(rabbit ? rabbitProviders(rabbit, config.rabbitmqPrefix) : []),
    ];
    if (producer) {
      providers.push(
        {
          provide: EVENT_TRANSPORT,
          useFactory: (connection?: AmqpConnectionManager, topology?: RabbitTopology) =>
            connection && topology
              ? new RabbitEventTransport(connection, topology, config.service, config.deliveryTimeoutMs)
              : new TcpEventTransport(config.consumerAddresses, config.deliveryTimeoutMs),
          inject: [
            { token: RABBIT_CONNECTION, optional: true },
            { token: RABBIT_TOPOLOGY, optional: true },
          ],
        },
        OutboxRelay,
      );
    }
    if (handler) {
      providers.push({ provide: EVENT_HANDLER, useClass: handler }, EventDispatcher);
      if (rabbit) providers.push(RabbitEventConsumer);
    }
    return {
      module: EventsModule,
      // One per app: every feature module writes through the same Outbox.
      global: true,
      imports,
      controllers: handler ? [EventsController] : [],
      providers,
      exports: [Outbox],
    };
  }
}
