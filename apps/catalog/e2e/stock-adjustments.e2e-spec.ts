import { MAX_STOCK } from '@shop/contracts';
import { accessToken, ADMIN_ENV, TEST_ADMIN, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';

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
