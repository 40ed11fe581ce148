import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Every app's outbox: an event is a row written in the transaction that caused it, so it exists
 * exactly when the change does; the relay publishes it afterwards (see outbox-relay.ts). Each
 * app's schema includes this table, so its migrations create it in the app's own database.
 */
export const outbox = pgTable(
  'outbox',
  {
    /** Publication order within an aggregate. */
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    eventId: uuid('event_id').notNull().unique('outbox_event_id_key'),
    type: text('type').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    envelope: jsonb('envelope').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A relay's lease while it publishes the row; an expired lease (a crashed relay) frees it. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Given up on (embedded delivery only: a consumer's handler kept failing); kept for operators. */
    deadAt: timestamp('dead_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('outbox_pending_idx')
      .on(table.aggregateId, table.seq)
      .where(sql`${table.publishedAt} is null and ${table.deadAt} is null`),
    index('outbox_published_idx').on(table.publishedAt),
  ],
);

/** Events a consumer has handled, by id: delivery is at least once, so each is handled once. */
export const processedEvents = pgTable(
  'processed_events',
  {
    eventId: uuid('event_id').primaryKey(),
    type: text('type').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('processed_events_processed_at_idx').on(table.processedAt)],
);

export const outboxSchema = { outbox };
export const consumerSchema = { outbox, processedEvents };
