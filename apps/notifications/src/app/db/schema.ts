import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { processedEvents } from '@shop/service-defaults/outbox-schema';

/**
 * One row per message to send: written in the transaction that handles the event, unique per
 * (event, channel), so however often an event arrives its customer gets one email and at most one
 * text. The sender sends queued rows and records the outcome: `sent`, or `failed` after the last
 * attempt.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id').notNull(),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    template: text('template').notNull(),
    userId: uuid('user_id').notNull(),
    orderId: uuid('order_id'),
    /** An email address or an E.164 number. */
    recipient: text('recipient').notNull(),
    /** What the template is rendered with. */
    data: jsonb('data').notNull(),
    status: text('status', { enum: ['queued', 'sent', 'failed'] })
      .notNull()
      .default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A sender's lease while it sends; an expired one (a crashed sender) frees the row. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('notifications_event_channel_key').on(table.eventId, table.channel),
    index('notifications_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'queued'`),
    index('notifications_created_idx').on(table.createdAt),
    index('notifications_order_idx').on(table.orderId),
    index('notifications_user_idx').on(table.userId),
    check('notifications_channel_check', sql`${table.channel} in ('email', 'sms')`),
    check('notifications_status_check', sql`${table.status} in ('queued', 'sent', 'failed')`),
  ],
);

export { processedEvents };

export const schema = { notifications, processedEvents };
export type NotificationsSchema = typeof schema;
export type NotificationRow = typeof notifications.$inferSelect;
