import { Inject, Injectable } from '@nestjs/common';
import { eq, type SQL } from 'drizzle-orm';
import { type DomainEvent, type EventApp, eventsConsumedBy, type EventType } from '@shop/contracts';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { requestContext } from '../logging/request-context';
import { eventMetrics } from './events.metrics';
import { EVENT_HANDLER, EVENTS_SERVICE } from './events.tokens';
import { processedEvents } from './outbox.schema';
import { ProcessedMarkBatcher } from './processed-mark.batcher';

/** An app's event handling: one class per consuming app, bound to the catalogue's event types. */
export interface EventHandler {
  /** Must equal what the catalogue says this app consumes (checked at start-up). */
  readonly handles: readonly EventType[];
  /**
   * The data-modifying statement handling the event writes (or none). It runs inside the one
   * statement that marks the event processed (with other events arriving at the same time) and
   * must take its rows from `fresh`, a relation (column `event_id`) that holds the event's id only
   * if this delivery is the first: a redelivery then writes nothing. Throw, and
   * neither happens. The handler runs before the mark, so it runs for redeliveries too; when it
   * throws for an event already processed (a lookup that fails now), the delivery is a duplicate.
   */
  handle(event: DomainEvent, fresh: SQL): Promise<SQL | undefined>;
}

/**
 * The one place an arriving event is handled, whichever path brought it (RabbitMQ or the
 * embedded TCP delivery): once per event id, its handler's writes and the processed mark in one
 * statement (atomic, and one round trip rather than a transaction's four; events arriving together
 * share it, see {@link ProcessedMarkBatcher}), so a redelivery (at least once) changes nothing.
 * An event's outcome is answered (acked) only once its statement committed; the path that brought
 * it logs it (a broker's message on its own line, an embedded delivery's events on one).
 */
@Injectable()
export class EventDispatcher {
  private readonly marks: ProcessedMarkBatcher;

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
    this.marks = new ProcessedMarkBatcher(db);
  }

  dispatch(event: DomainEvent): Promise<'handled' | 'duplicate'> {
    return requestContext.run({ requestId: event.requestId }, async () => {
      const fresh = this.marks.fresh();
      let write: SQL | undefined;
      try {
        write = await this.handler.handle(event, fresh);
      } catch (error) {
        // A redelivery must not depend on the handler's lookups still succeeding (auth down, the user
        // deleted): it is acked as a duplicate. Asked only on failure, so a first delivery pays nothing.
        if (await this.processed(event.id)) return this.consumed(event, 'duplicate');
        throw error;
      }
      const first = await this.marks.commit(event, fresh, write);
      return this.consumed(event, first ? 'handled' : 'duplicate');
    });
  }

  private async processed(eventId: string): Promise<boolean> {
    const rows = await this.db
      .select({ eventId: processedEvents.eventId })
      .from(processedEvents)
      .where(eq(processedEvents.eventId, eventId));
    return rows.length > 0;
  }

  private consumed<T extends 'handled' | 'duplicate'>(event: DomainEvent, outcome: T): T {
    eventMetrics.consumed.inc({ type: event.type });
    return outcome;
  }
}
