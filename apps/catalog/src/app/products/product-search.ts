import type { ProductListQuery, ProductSort } from '@shop/contracts';
import { type AnyColumn, asc, desc, eq, gt, gte, isNull, lte, type SQL, sql } from 'drizzle-orm';
import { products } from '../db/schema';

const SORT_COLUMNS: Record<string, AnyColumn> = {
  price: products.price,
  name: products.name,
  createdAt: products.createdAt,
};

/** `websearch_to_tsquery` accepts anything a person types (quotes, -minus, or) without syntax errors. */
const matchQuery = (q: string) => sql`websearch_to_tsquery('english', ${q})`;

/** The WHERE clause of a listing; every condition is index-backed (see db/schema.ts). */
export function listingConditions(query: ProductListQuery, categoryId: string | undefined): SQL[] {
  const conditions: SQL[] = [isNull(products.deletedAt)];
  if (query.q) conditions.push(sql`${products.search} @@ ${matchQuery(query.q)}`);
  if (categoryId) conditions.push(eq(products.categoryId, categoryId));
  if (query.minPrice !== undefined) conditions.push(gte(products.price, query.minPrice));
  if (query.maxPrice !== undefined) conditions.push(lte(products.price, query.maxPrice));
  if (query.inStock) conditions.push(gt(products.stock, 0));
  return conditions;
}

/** Explicit sort, else relevance for a search, else newest first; the id makes paging stable. */
export function listingOrder(sort: ProductSort | undefined, q: string | undefined): SQL[] {
  if (!sort && q) return [desc(sql`ts_rank(${products.search}, ${matchQuery(q)})`), asc(products.id)];
  const key = sort ?? '-createdAt';
  const column = SORT_COLUMNS[key.replace(/^-/, '')];
  // The id breaks ties in the same direction, so one index scan (column, id) yields the order.
  const direction = key.startsWith('-') ? desc : asc;
  return [direction(column), direction(products.id)];
}
