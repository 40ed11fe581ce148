import { sql } from 'drizzle-orm';
import type { PostalAddressView } from '@shop/contracts';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { outbox } from '@shop/service-defaults/outbox-schema';

/**
 * `status` holds the public statuses and one internal one, `reserving`: the row exists before
 * the catalog is asked for stock, so a crash half-way leaves a trace the recovery job finds.
 * `stock` is what the catalog holds for the order; the recovery job moves it to what the
 * status calls for when a call to the catalog failed (see order-status.machine.ts).
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    status: text('status').notNull(),
    stock: text('stock').notNull(),
    /** Minor units, computed by the server from the catalog's prices. 0 while reserving. */
    total: integer('total').notNull().default(0),
    /** Null while reserving. */
    currency: text('currency'),
    /**
     * The Idempotency-Key the order was placed with. Unique per user, so even a retry that
     * outlived its idempotency claim (the first request died after placing) finds this order.
     */
    idempotencyKey: text('idempotency_key'),
    /** Where it ships: a copy of the address at checkout, so the address book can change freely. Null on orders from before. */
    shippingAddress: jsonb('shipping_address').$type<PostalAddressView>(),
    /** Set together when the order ships. */
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('orders_total_check', sql`${table.total} >= 0`),
    index('orders_user_created_idx').on(table.userId, table.createdAt),
    index('orders_status_created_idx').on(table.status, table.createdAt),
    uniqueIndex('orders_user_idempotency_key_idx').on(table.userId, table.idempotencyKey),
  ],
);

/** A copy of what was bought, so deleting or repricing a product never rewrites an order. */
export const orderItems = pgTable(
  'order_items',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    unitPrice: integer('unit_price').notNull(),
    quantity: integer('quantity').notNull(),
    lineTotal: integer('line_total').notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.productId] })],
);

/** Every status change: who, when, from and to. `from` is null for the order being placed. */
export const orderTransitions = pgTable(
  'order_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role').notNull(),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('order_transitions_order_idx').on(table.orderId, table.id)],
);

/**
 * One row per (user, Idempotency-Key): claimed by an insert before the work starts, completed
 * with the response (or the error) it produced, which every repeat then gets.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    response: jsonb('response'),
    error: jsonb('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.key] }),
    index('idempotency_keys_created_idx').on(table.createdAt),
  ],
);

export const cartItems = pgTable(
  'cart_items',
  {
    userId: uuid('user_id').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.productId] }),
    check('cart_items_quantity_check', sql`${table.quantity} > 0`),
  ],
);

/**
 * Payment statuses that hold or took the customer's money, or may yet: an order has at most one
 * such attempt (the unique index), and a pending order with one cannot be cancelled.
 */
export const LIVE_PAYMENT_STATUSES = ['processing', 'authorized', 'captured'] as const;

/**
 * A payment attempt. At most one attempt per order is ever live or was captured (the unique index).
 * Provider `none` records an order with nothing to charge (total 0), paid without any provider.
 */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    /** Null until the provider answers: such an attempt that outlived its request is asked again by recovery. */
    providerRef: text('provider_ref'),
    /**
     * What the provider needs to ask again for this attempt (Stripe's PaymentMethod id). Null for
     * the test provider: its card numbers are never stored.
     */
    paymentMethod: text('payment_method'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('payments_amount_check', sql`${table.amount} > 0 OR (${table.provider} = 'none' AND ${table.amount} = 0)`),
    uniqueIndex('payments_one_live_per_order')
      .on(table.orderId)
      .where(sql`${table.status} NOT IN ('declined', 'voided')`),
    // The recovery job's look for attempts the provider never answered.
    index('payments_unanswered_idx')
      .on(table.updatedAt)
      .where(sql`${table.status} = 'processing' AND ${table.providerRef} IS NULL`),
    // The recovery job's look for authorizations about to expire.
    index('payments_authorized_idx')
      .on(table.updatedAt)
      .where(sql`${table.status} = 'authorized'`),
  ],
);

export { outbox };

export const schema = { orders, orderItems, orderTransitions, idempotencyKeys, cartItems, payments, outbox };
export type OrdersSchema = typeof schema;
export type OrderRow = typeof orders.$inferSelect;
