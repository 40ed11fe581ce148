import type { ProductListQuery } from '@shop/contracts';
import { accessToken, ADMIN_ENV, TEST_ADMIN, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { and } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Client } from 'pg';
import { products } from '../src/app/db/schema';
import { listingConditions, listingOrder } from '../src/app/products/product-search';

let system: TestSystem;
let coffee: { id: string; slug: string };

const SEED = [
  { sku: 'ESP-1', name: 'Espresso beans', description: 'Dark roast espresso, chocolate notes', price: 2490, stock: 12 },
  { sku: 'ESP-2', name: 'Espresso machine', description: 'Pump machine for home baristas', price: 39900, stock: 0 },
  { sku: 'FIL-1', name: 'Filter coffee', description: 'Light roast with a hint of espresso', price: 1590, stock: 30 },
  { sku: 'TEA-1', name: 'Green tea', description: 'Sencha leaves', price: 990, stock: 7 },
  { sku: 'MUG-1', name: 'Mug', description: 'Stoneware, 300 ml', price: 1200, stock: 3 },
];
const COFFEE_SKUS = ['ESP-1', 'ESP-2', 'FIL-1'];

beforeAll(async () => {
  system = await TestSystem.start({ label: 'catalog_listing', env: { auth: ADMIN_ENV } });
  const token = await accessToken(system, TEST_ADMIN);
  coffee = (await system.http.post('/api/v1/categories', { name: 'Coffee' }, { token })).body;
  for (const product of SEED) {
    const categoryId = COFFEE_SKUS.includes(product.sku) ? coffee.id : undefined;
    await system.http.post('/api/v1/products', { ...product, categoryId }, { token });
  }
});
afterAll(() => system?.stop());

const list = (query: string) => system.http.get(`/api/v1/products?${query}`);
const skus = async (query: string) => {
  const response = await list(query);
  expect(response.status).toBe(200);
  return (response.body.items as { sku: string }[]).map((item) => item.sku);
};

describe('GET /products', () => {
  it('pages newest first by default, with the total', async () => {
    const response = await list('limit=2');
    expect(response.body).toEqual(expect.objectContaining({ total: 5, page: 1, limit: 2 }));
    expect(response.body.items.map((item: { sku: string }) => item.sku)).toEqual(['MUG-1', 'TEA-1']);
    expect(await skus('limit=2&page=3')).toEqual(['ESP-1']);
    expect(await skus('limit=2&page=4')).toEqual([]);
  });

  it('searches name and description, ranking name matches first', async () => {
    expect(await skus('q=espresso')).toEqual(['ESP-1', 'ESP-2', 'FIL-1']);
    expect(await skus('q=roast')).toEqual(expect.arrayContaining(['ESP-1', 'FIL-1']));
    expect(await skus('q=baristas')).toEqual(['ESP-2']);
    expect(await skus('q=nothing%20like%20this')).toEqual([]);
  });

  it('filters by category id or slug, price range and stock', async () => {
    expect((await skus(`category=${coffee.id}&sort=price`)).sort()).toEqual(COFFEE_SKUS.slice().sort());
    expect(await skus(`category=${coffee.slug}&sort=price`)).toEqual(['FIL-1', 'ESP-1', 'ESP-2']);
    expect(await skus(`category=${coffee.id.toUpperCase()}&sort=price`)).toEqual(['FIL-1', 'ESP-1', 'ESP-2']);
    expect(await skus('category=no-such-category')).toEqual([]);
    expect((await list(`category=${randomUUID()}`)).body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
    expect(await skus('minPrice=1000&maxPrice=2500&sort=price')).toEqual(['MUG-1', 'FIL-1', 'ESP-1']);
    expect(await skus(`category=${coffee.slug}&inStock=true&sort=name`)).toEqual(['ESP-1', 'FIL-1']);
  });

  it('sorts by price, name and creation, both ways', async () => {
    expect(await skus('sort=price')).toEqual(['TEA-1', 'MUG-1', 'FIL-1', 'ESP-1', 'ESP-2']);
    expect(await skus('sort=-price')).toEqual(['ESP-2', 'ESP-1', 'FIL-1', 'MUG-1', 'TEA-1']);
    expect(await skus('sort=name')).toEqual(['ESP-1', 'ESP-2', 'FIL-1', 'TEA-1', 'MUG-1']);
    expect(await skus('sort=-name')).toEqual(['MUG-1', 'TEA-1', 'FIL-1', 'ESP-2', 'ESP-1']);
    expect(await skus('sort=createdAt')).toEqual(SEED.map((product) => product.sku));
  });

  it.each([
    'limit=101',
    'limit=0',
    'page=0',
    'page=abc',
    'minPrice=-1',
    'maxPrice=1.5',
    'minPrice=500&maxPrice=100',
    'inStock=yes',
    'inStock=false',
    'inStock=',
    'minPrice=',
    'maxPrice=',
    'limit=1e1',
    'limit=10.0',
    'limit=%2010',
    'page=0x2',
    'page=2&page=3',
    'minPrice=1_000',
    'sort=price,name',
    'sort=stock',
    'category=Not%20A%20Slug',
    'q=',
    'colour=red',
  ])('refuses %s with 400 VALIDATION_FAILED', async (query) => {
    const response = await list(query);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    // The field at fault is named (minPrice above maxPrice names minPrice).
    expect(Object.keys(response.body.errors)).toEqual([query.split('=')[0]]);
  });
});

describe('query plans (after the listing tests: this adds rows)', () => {
  let db: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: system.databaseUrl('catalog') });
    await db.connect();
    // Plans mean something only at a realistic size: 100 000 more products (with a few hundred
    // distinct words between them), then fresh statistics.
    await db.query(`
      insert into products (sku, name, description, price, stock, created_at)
      select 'GEN-' || g,
             'Product ' || chr(98 + g % 24) || chr(98 + (g / 24) % 24) || 'x',
             'Filler ' || chr(98 + (g / 7) % 24) || 'zq text',
             (g * 7919) % 100000,
             g % 50,
             now() - g * interval '1 minute'
      from generate_series(1, 100000) g`);
    await db.query('analyze products');
  });
  afterAll(() => db.end());

  /** The plan of the query the catalog really runs for `query`. */
  const plan = async (query: ProductListQuery, categoryId?: string) => {
    const statement = drizzle({ client: db })
      .select()
      .from(products)
      .where(and(...listingConditions(query, categoryId)))
      .orderBy(...listingOrder(query.sort, query.q))
      .limit(20)
      .toSQL();
    const { rows } = await db.query(`explain ${statement.sql}`, statement.params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  };

  it('serves text search from the GIN index', async () => {
    expect(await plan({ q: 'espresso' })).toContain('products_search_idx');
  });

  it('serves price ranges and price order from the price index', async () => {
    expect(await plan({ minPrice: 100, maxPrice: 2000, sort: 'price' })).toContain('products_price_idx');
  });

  it('serves a category listing from the category index', async () => {
    expect(await plan({}, coffee.id)).toContain('products_category_idx');
  });

  it('serves name order, both ways, from the name index', async () => {
    expect(await plan({ sort: 'name' })).toContain('products_name_idx');
    expect(await plan({ sort: '-name' })).toMatch(/Index Scan Backward using products_name_idx/);
  });

  it('serves the default listing from the creation-time index', async () => {
    expect(await plan({})).toContain('products_created_at_idx');
  });
});
