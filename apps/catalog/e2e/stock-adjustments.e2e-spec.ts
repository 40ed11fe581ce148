import { MAX_STOCK } from '@shop/contracts';
import { accessToken, ADMIN_ENV, newCustomer, TEST_ADMIN, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  system = await TestSystem.start({ label: 'catalog_stock_adjustments', env: { auth: ADMIN_ENV } });
  admin = await accessToken(system, TEST_ADMIN);
});
afterAll(() => system?.stop());

const newProduct = async (stock: number) => {
  const response = await system.http.post(
    '/api/v1/products',
    { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'Thing', price: 1000, stock },
    { token: admin },
  );
  expect(response.status).toBe(201);
  return response.body;
};
const stockOf = async (id: string) => (await system.http.get(`/api/v1/products/${id}`)).body.stock;
const adjust = (id: string, delta: number, reason = 'count') =>
  system.http.post(`/api/v1/products/${id}/stock-adjustments`, { delta, reason }, { token: admin });

describe('stock adjustments', () => {
  it('restocks and writes off atomically, recording each adjustment', async () => {
    const product = await newProduct(5);
    const restock = await adjust(product.id, 10);
    expect(restock.status).toBe(201);
    expect(restock.body).toEqual(expect.objectContaining({ delta: 10, stockAfter: 15, reason: 'count', version: 2 }));
    expect((await adjust(product.id, -15)).body.stockAfter).toBe(0);
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body).toEqual(
      expect.objectContaining({ stock: 0, version: 3 }),
    );
  });

  it('writes an event for each change in its transaction, marking out-of-stock and back-in-stock', async () => {
    const product = await newProduct(2);
    expect((await adjust(product.id, -2)).status).toBe(201);
    expect((await adjust(product.id, -1)).status).toBe(409);
    expect((await adjust(product.id, 3, 'delivery')).status).toBe(201);
    const db = new Pool({ connectionString: system.databaseUrl('catalog'), max: 1 });
    try {
      const { rows } = await db.query('SELECT type, envelope FROM outbox WHERE aggregate_id = $1 ORDER BY seq', [
        product.id,
      ]);
      expect(rows.map((row) => [row.type, row.envelope.aggregateVersion, row.envelope.payload])).toEqual([
        ['product.created', 1, expect.objectContaining({ productId: product.id, stock: 2, version: 1 })],
        [
          'stock.changed',
          2,
          { productId: product.id, previousStock: 2, stock: 0, reason: 'count', outOfStock: true, backInStock: false },
        ],
        [
          'stock.changed',
          3,
          {
            productId: product.id,
            previousStock: 0,
            stock: 3,
            reason: 'delivery',
            outOfStock: false,
            backInStock: true,
          },
        ],
      ]);
    } finally {
      await db.end();
    }
  });

  it('never takes stock below zero: 409 INSUFFICIENT_STOCK, nothing written', async () => {
    const product = await newProduct(3);
    const response = await adjust(product.id, -4);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('INSUFFICIENT_STOCK');
    expect(response.body.products).toEqual([{ productId: product.id, requested: 4, available: 3 }]);
    expect(await stockOf(product.id)).toBe(3);
  });

  it('keeps concurrent write-offs from overselling', async () => {
    const product = await newProduct(10);
    const results = await Promise.all(Array.from({ length: 25 }, () => adjust(product.id, -1)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 409)).toHaveLength(15);
    expect(await stockOf(product.id)).toBe(0);
  });

  it('refuses a zero delta', async () => {
    const product = await newProduct(5);
    expect((await adjust(product.id, 0)).status).toBe(400);
  });
});

describe('the stock ceiling', () => {
  it(`restocks up to ${MAX_STOCK} and refuses past it with 409 STOCK_LIMIT_EXCEEDED, writing nothing`, async () => {
    const product = await newProduct(0);
    expect((await adjust(product.id, MAX_STOCK)).body.stockAfter).toBe(MAX_STOCK);
    for (const delta of [MAX_STOCK, MAX_STOCK, 1]) {
      const refused = await adjust(product.id, delta);
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual(
        expect.objectContaining({ code: 'STOCK_LIMIT_EXCEEDED', stock: MAX_STOCK, maxStock: MAX_STOCK }),
      );
    }
    expect(await stockOf(product.id)).toBe(MAX_STOCK);
    expect((await adjust(product.id, -MAX_STOCK)).body.stockAfter).toBe(0);
  });

  it('refuses a delta beyond the ceiling itself with 400', async () => {
    const product = await newProduct(0);
    const response = await adjust(product.id, MAX_STOCK + 1);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.errors)).toEqual(['delta']);
  });
});

describe('the adjustment history', () => {
  const history = (id: string, query = '', token = admin) =>
    system.http.get(`/api/v1/products/${id}/stock-adjustments${query}`, { token });
  let adminId: string;
  beforeAll(async () => (adminId = (await system.http.get('/api/v1/auth/me', { token: admin })).body.id));

  it('records every adjustment with its delta, reason, the stock it left and who made it, newest first', async () => {
    const product = await newProduct(5);
    const made = [];
    for (const [delta, reason] of [
      [10, 'Delivery from roaster'],
      [-3, 'Damaged in storage'],
      [5, 'Recount'],
    ] as const) {
      const response = await adjust(product.id, delta, reason);
      expect(response.status).toBe(201);
      expect(response.body.createdBy).toBe(adminId);
      made.push(response.body);
    }
    expect((await adjust(product.id, -100)).status).toBe(409); // refused: not recorded

    const response = await history(product.id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: made
        .reverse()
        .map(({ version: _version, ...record }) => ({ ...record, productId: product.id, createdBy: adminId })),
      total: 3,
      page: 1,
      limit: 20,
    });
    expect(response.body.items.map((item: { stockAfter: number }) => item.stockAfter)).toEqual([17, 12, 15]);
    expect(response.body.items.map((item: { reason: string }) => item.reason)).toEqual([
      'Recount',
      'Damaged in storage',
      'Delivery from roaster',
    ]);
  });

  it('pages, and keeps the order of concurrent adjustments as they took effect', async () => {
    const product = await newProduct(0);
    await Promise.all(Array.from({ length: 12 }, (_, i) => adjust(product.id, 1, `unit ${i}`)));
    const first = await history(product.id, '?limit=5');
    const third = await history(product.id, '?limit=5&page=3');
    expect(first.body).toEqual(expect.objectContaining({ total: 12, page: 1, limit: 5 }));
    expect(first.body.items.map((item: { stockAfter: number }) => item.stockAfter)).toEqual([12, 11, 10, 9, 8]);
    expect(third.body.items.map((item: { stockAfter: number }) => item.stockAfter)).toEqual([2, 1]);
  });

  it('answers an unknown or deleted product with 404', async () => {
    expect((await history(randomUUID())).status).toBe(404);
    const product = await newProduct(1);
    await system.http.delete(`/api/v1/products/${product.id}`, { token: admin });
    expect((await history(product.id)).body.code).toBe('NOT_FOUND');
  });

  it('is for admins only, with strict paging', async () => {
    const product = await newProduct(1);
    expect((await history(product.id, '', '')).status).toBe(401);
    expect((await history(product.id, '', (await newCustomer(system)).token)).status).toBe(403);
    const bad = await history(product.id, '?limit=1e1');
    expect([bad.status, Object.keys(bad.body.errors)]).toEqual([400, ['limit']]);
  });
});
