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
    await this.insert(tx, type, event);
  }

  /** The statement `add` runs, for a caller that runs it within a statement of its own (a CTE of its transaction). */
  insert<T extends EventType>(tx: OutboxTransaction, type: T, event: NewEvent<T>) {
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
    return tx.insert(outbox).values({ eventId: id, type, aggregateId: event.aggregateId, envelope });
  }
}
