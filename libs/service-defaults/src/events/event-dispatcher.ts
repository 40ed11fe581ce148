import { Inject, Injectable, Logger } from '@nestjs/common';
import { type DomainEvent, type EventApp, eventsConsumedBy, type EventType } from '@shop/contracts';
import { DATABASE } from '../database/database.module';
import type { Database, Transaction } from '../database/database';
import { requestContext } from '../logging/request-context';
import { eventMetrics } from './events.metrics';
import { EVENT_HANDLER, EVENTS_SERVICE } from './events.tokens';
import { type consumerSchema, processedEvents } from './outbox.schema';

/** The handler's share of a consumer's transaction (what it writes commits with the dedupe mark). */
export type ConsumerTransaction = Transaction<typeof consumerSchema>;

/** An app's event handling: one class per consuming app, bound to the catalogue's event types. */
export interface EventHandler {
  /** Must equal what the catalogue says this app consumes (checked at start-up). */
  readonly handles: readonly EventType[];
  /** Runs in the transaction that marks the event processed: throw, and neither happened. */
  handle(event: DomainEvent, tx: ConsumerTransaction): Promise<void>;
}

/**
 * The one place an arriving event is handled, whichever path brought it (RabbitMQ or the
 * embedded TCP delivery): once per event id, its handler's writes and the processed mark in one
 * transaction, so a redelivery (at least once) changes nothing.
 */
@Injectable()
export class EventDispatcher {
  private readonly logger = new Logger('Events');

  constructor(
    @Inject(DATABASE) private readonly db: Database<Record<string, unknown>>,
    @Inject(EVENT_HANDLER) private readonly handler: EventHandler,
    @Inject(EVENTS_SERVICE) service: EventApp,
  ) {
    // The catalogue decides who receives what (embedded delivery and queue bindings follow it):
    // a handler that disagrees would miss events or expect ones that never come.
    const declared = eventsConsumedBy(service).sort().join(', ');
    const handled = [...handler.handles].sort().join(', ');
    if (declared !== handled) throw new Error(`${service} handles [${handled}] but the catalogue says [${declared}]`);
  }

  dispatch(event: DomainEvent): Promise<'handled' | 'duplicate'> {
    return requestContext.run({ requestId: event.requestId }, async () => {
      const outcome = await this.db.transaction(async (tx) => {
        const [fresh] = await tx
          .insert(processedEvents)
          .values({ eventId: event.id, type: event.type })
          .onConflictDoNothing()
          .returning({ eventId: processedEvents.eventId });
        if (!fresh) return 'duplicate' as const;
        await this.handler.handle(event, tx as unknown as ConsumerTransaction);
        return 'handled' as const;
      });
      eventMetrics.consumed.inc({ type: event.type });
      this.logger.log({ eventId: event.id, type: event.type, outcome }, `Consumed ${event.type} (${outcome})`);
      return outcome;
    });
  }
}
