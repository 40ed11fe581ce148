import { MAX_STOCK } from '@shop/contracts';
import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { outbox } from '@shop/service-defaults/outbox-schema';

/**
 * Creation and adjustments stop at MAX_STOCK. Releases give back exactly what orders held, which
 * can lift stock above that; this ceiling keeps the column clear of int4 overflow. Only more than
 * a billion units of one product held by orders at once could reach it, and that is a 409.
 */
export const STOCK_CEILING = 2 * MAX_STOCK;

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const categories = pgTable(
  'categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique('categories_slug_key'),
    parentId: uuid('parent_id').references((): AnyPgColumn => categories.id, { onDelete: 'restrict' }),
    ...timestamps,
  },
  (table) => [index('categories_parent_idx').on(table.parentId)],
);

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Minor units (cents). */
    price: integer('price').notNull(),
    currency: text('currency').notNull().default('USD'),
    stock: integer('stock').notNull(),
    categoryId: uuid('category_id').references(() => categories.id, { onDelete: 'set null' }),
    /**
     * Counts every change to the product as clients see it (stock and category included), so it
     * is an exact ETag. Admin edits are `… WHERE version = $expected`; every write bumps it.
     */
    version: integer('version').notNull().default(1),
    /** Ranked full-text search: name weighs more than description. */
    search: tsvector('search').generatedAlwaysAs(
      (): SQL =>
        sql`setweight(to_tsvector('english', ${products.name}), 'A') || setweight(to_tsvector('english', ${products.description}), 'B')`,
    ),
    ...timestamps,
    /** Soft delete: orders keep their own copy of name and price. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (table) => [
    check('products_price_check', sql`${table.price} >= 0`),
    check('products_stock_check', sql`${table.stock} >= 0`),
    check('products_stock_ceiling_check', sql`${table.stock} <= ${sql.raw(String(STOCK_CEILING))}`),
    check('products_currency_check', sql`${table.currency} ~ '^[A-Z]{3}$'`),
    uniqueIndex('products_sku_key')
      .on(table.sku)
      .where(sql`${table.deletedAt} is null`),
    index('products_search_idx').using('gin', table.search),
    // Listings order by one column, then by id for a stable page order: each index holds both.
    index('products_price_idx')
      .on(table.price, table.id)
      .where(sql`${table.deletedAt} is null`),
    index('products_name_idx')
      .on(table.name, table.id)
      .where(sql`${table.deletedAt} is null`),
    index('products_created_at_idx')
      .on(table.createdAt, table.id)
      .where(sql`${table.deletedAt} is null`),
    index('products_category_idx')
      .on(table.categoryId)
      .where(sql`${table.deletedAt} is null`),
  ],
);

/** Every change of stock by an admin, with the level it left. */
export const stockAdjustments = pgTable(
  'stock_adjustments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    delta: integer('delta').notNull(),
    reason: text('reason').notNull(),
    stockAfter: integer('stock_after').notNull(),
    /** The admin's user id; null for adjustments recorded before it was. */
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // A product's history, newest first, is one backward scan.
  (table) => [index('stock_adjustments_product_idx').on(table.productId, table.createdAt, table.id)],
);

/** Stock held for one order: `reserved` → `released` or `committed`, each at most once. */
export const reservations = pgTable(
  'reservations',
  {
    orderId: uuid('order_id').primaryKey(),
    status: text('status', { enum: ['reserved', 'released', 'committed'] }).notNull(),
    ...timestamps,
  },
  (table) => [check('reservations_status_check', sql`${table.status} in ('reserved', 'released', 'committed')`)],
);

export const reservationLines = pgTable(
  'reservation_lines',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => reservations.orderId, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    unitPrice: integer('unit_price').notNull(),
    currency: text('currency').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.productId] }),
    check('reservation_lines_quantity_check', sql`${table.quantity} > 0`),
  ],
);

export { outbox };

export const schema = { categories, products, stockAdjustments, reservations, reservationLines, outbox };
export type CatalogSchema = typeof schema;
