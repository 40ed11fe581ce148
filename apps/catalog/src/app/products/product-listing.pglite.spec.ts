import { type DatabaseHandle, isConstraintViolation, openDatabase, Outbox } from '@shop/service-defaults';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryProductCache } from '../cache/memory-product-cache';
import { CategoryService } from '../categories/category.service';
import { type CatalogSchema, schema } from '../db/schema';
import { CatalogEvents } from '../events/catalog-events';
import { ProductService } from './product.service';

/**
 * `npm start` runs the catalog on embedded PGlite: the same migrations and the same listing SQL
 * as on PostgreSQL, opened here the way the app opens it (no URL: PGlite), in memory.
 */
const MIGRATIONS = join(__dirname, '../db/migrations');

let handle: DatabaseHandle<CatalogSchema>;
let products: ProductService;
let coffeeId: string;

beforeAll(async () => {
  handle = await openDatabase({ dataDir: 'memory://', schema, migrationsFolder: MIGRATIONS });
  const cache = new MemoryProductCache(60_000);
  products = new ProductService(handle.db, cache, new CatalogEvents(new Outbox('catalog')));
  coffeeId = (await new CategoryService(handle.db, cache).create({ name: 'Coffee' })).id;
  const seed = [
    {
      sku: 'ESP-1',
      name: 'Espresso beans',
      description: 'Dark roast espresso, chocolate notes',
      price: 2490,
      stock: 12,
    },
    { sku: 'ESP-2', name: 'Espresso machine', description: 'For home baristas', price: 39900, stock: 0 },
    { sku: 'FIL-1', name: 'Filter coffee', description: 'Light roast with a hint of espresso', price: 1590, stock: 30 },
    { sku: 'TEA-1', name: 'Green tea', description: 'Sencha leaves', price: 990, stock: 7 },
  ];
  for (const product of seed) {
    await products.create({ ...product, categoryId: product.sku === 'TEA-1' ? undefined : coffeeId });
  }
}, 60_000);
afterAll(() => handle?.close());

const skus = async (query: Parameters<ProductService['list']>[0]) =>
  (await products.list(query)).items.map((item) => item.sku);

describe('the catalog on embedded PGlite', () => {
  it('runs on PGlite with every migration applied', async () => {
    expect(handle.kind).toBe('pglite');
    const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8'));
    const applied = await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect((applied as unknown as { rows: { n: number }[] }).rows[0].n).toBe(journal.entries.length);
  });

  it('ranks a full-text search: name and description before name alone before description alone', async () => {
    const page = await products.list({ q: 'espresso' });
    expect(page.total).toBe(3);
    expect(page.items.map((item) => item.sku)).toEqual(['ESP-1', 'ESP-2', 'FIL-1']);
    expect(await skus({ q: 'baristas' })).toEqual(['ESP-2']);
    expect(await skus({ q: '"light roast" -chocolate' })).toEqual(['FIL-1']);
  });

  it('combines search with filters, sorts and pages', async () => {
    expect(await skus({ q: 'roast', category: 'coffee', inStock: true, sort: '-price' })).toEqual(['ESP-1', 'FIL-1']);
    expect(await skus({ category: coffeeId, minPrice: 1000, maxPrice: 3000, sort: 'price' })).toEqual([
      'FIL-1',
      'ESP-1',
    ]);
    expect(await skus({ sort: 'name', limit: 2, page: 2 })).toEqual(['FIL-1', 'TEA-1']);
  });

  it('breaks the stock ceiling the migrations add with an error the catalog can map', async () => {
    const [product] = (await products.list({ q: 'tea' })).items;
    const error = await handle.db
      .execute(sql`update products set stock = 2000000001 where id = ${product.id}`)
      .catch((failure: unknown) => failure);
    expect(isConstraintViolation(error, 'check', 'products_stock_ceiling_check')).toBe(true);
  });
});
