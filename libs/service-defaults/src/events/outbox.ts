import { Inject, Injectable } from '@nestjs/common';
import { EVENTS, type EventApp, type EventPayload, type EventType } from '@shop/contracts';
import { randomUUID } from 'node:crypto';
import type { Database } from '../database/database';
import { currentRequestId } from '../logging/request-context';
import { traceCarrier } from '../metrics/tracing';
import { EVENTS_SERVICE } from './events.tokens';
import { outbox } from './outbox.schema';

/** What `add` needs of a transaction: any app's `db.transaction` callback handle will do. */
export type OutboxTransaction = Pick<Database<Record<string, unknown>>, 'insert'>;

/** The columns an event's outbox row is written with; the rest have defaults. */
export type OutboxRow = Pick<typeof outbox.$inferInsert, 'eventId' | 'type' | 'aggregateId' | 'envelope'>;

export interface NewEvent<T extends EventType> {
  aggregateId: string;
  aggregateVersion: number;
  payload: EventPayload<T>;
}

/**
 * Writes domain events into the app's outbox. Call it with the transaction that makes the change
 * the event reports: both commit or neither does, so no event is lost and none describes a change
 * that did not happen. The relay publishes the row afterwards.
 */
@Injectable()
export class Outbox {
  constructor(@Inject(EVENTS_SERVICE) private readonly service: EventApp) {}

  async add<T extends EventType>(tx: OutboxTransaction, type: T, event: NewEvent<T>): Promise<void> {
    await tx.insert(outbox).values(this.row(type, event));
  }

  /**
   * The outbox row of an event, for a caller writing it with a statement of its own text (a
   * prepared one); that statement must be the one, or in the transaction, that makes the change.
   */
  row<T extends EventType>(type: T, event: NewEvent<T>): OutboxRow {
    const declared = EVENTS[type];
    // The catalogue names one producer per event; another app writing it is a bug, not a choice.
    if (declared.producer !== this.service) throw new Error(`${this.service} does not produce ${type}`);
    const id = randomUUID();
    const envelope = {
      id,
      type,
      schemaVersion: declared.version,
      occurredAt: new Date().toISOString(),
      aggregateId: event.aggregateId,
      aggregateVersion: event.aggregateVersion,
      requestId: currentRequestId() ?? 'internal',
      ...traceCarrier(),
      payload: event.payload,
    };
    return { eventId: id, type, aggregateId: event.aggregateId, envelope };
  }
}
