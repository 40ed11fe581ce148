import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    status: text('status').notNull(),
    /** Minor units, computed by the server from the catalog's prices. */
    total: integer('total').notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('orders_total_check', sql`${table.total} >= 0`),
    index('orders_user_created_idx').on(table.userId, table.createdAt),
    index('orders_status_idx').on(table.status),
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

export const schema = { orders, orderItems };
export type OrdersSchema = typeof schema;
