import type { ProductDto } from '@shop/contracts';
import { getTableColumns } from 'drizzle-orm';
import { categories, products } from '../db/schema';

const { search: _search, deletedAt: _deletedAt, ...productColumns } = getTableColumns(products);

/** What every product read selects: the product and its category (joined, may be null). */
export const productSelection = {
  ...productColumns,
  category: { id: categories.id, name: categories.name, slug: categories.slug },
};

type ProductRow = Omit<typeof products.$inferSelect, 'search' | 'deletedAt'> & {
  category: { id: string; name: string; slug: string } | null;
};

export function toProductDto(row: ProductRow): ProductDto {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: row.price,
    currency: row.currency,
    stock: row.stock,
    category: row.category?.id ? row.category : null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
