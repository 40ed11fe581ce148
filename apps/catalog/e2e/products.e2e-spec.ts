import { accessToken, ADMIN_ENV, newCustomer, TEST_ADMIN, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  system = await TestSystem.start({ label: 'catalog_products', env: { auth: ADMIN_ENV } });
  admin = await accessToken(system, TEST_ADMIN);
});
afterAll(() => system?.stop());

const sku = () => `SKU-${randomUUID().slice(0, 8)}`;
const create = (body: object, token = admin) => system.http.post('/api/v1/products', body, { token });
const newProduct = async (overrides: object = {}) => {
  const response = await create({ sku: sku(), name: 'Thing', price: 1000, stock: 5, ...overrides });
  expect(response.status).toBe(201);
  return response.body;
};

describe('create and read', () => {
  it('creates a product with Location and ETag, readable by anyone', async () => {
    const response = await create({
      sku: sku(),
      name: 'Espresso beans',
      description: 'Dark roast',
      price: 2490,
      stock: 12,
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      sku: expect.any(String),
      name: 'Espresso beans',
      description: 'Dark roast',
      price: 2490,
      currency: 'USD',
      stock: 12,
      category: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(response.headers.get('location')).toBe(`/api/v1/products/${response.body.id}`);
    const read = await system.http.get(response.headers.get('location')!);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toEqual(response.body);
  });

  it('answers If-None-Match with the current ETag with 304', async () => {
    const product = await newProduct();
    const notModified = await system.http.get(`/api/v1/products/${product.id}`, {
      headers: { 'if-none-match': '"1"' },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    const modified = await system.http.get(`/api/v1/products/${product.id}`, { headers: { 'if-none-match': '"0"' } });
    expect(modified.status).toBe(200);
  });

  it('refuses a duplicate SKU with 409 SKU_TAKEN', async () => {
    const product = await newProduct();
    const again = await create({ sku: product.sku, name: 'Other', price: 1, stock: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SKU_TAKEN');
  });

  it.each([
    ['a negative price', { price: -1 }],
    ['a fractional price', { price: 10.5 }],
    ['a price as a string', { price: '100' }],
    ['negative stock', { stock: -1 }],
    ['a bad currency', { currency: 'XYZ' }],
    ['an unknown field', { color: 'red' }],
    ['a malformed category id', { categoryId: 'nope' }],
    ['an unknown category', { categoryId: randomUUID() }],
  ])('refuses %s with 400', async (_, override) => {
    const response = await create({ sku: sku(), name: 'Thing', price: 1000, stock: 5, ...override });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('lets only admins write: 401 without a token, 403 for a customer', async () => {
    const customer = await newCustomer(system);
    expect((await create({ sku: sku(), name: 'x', price: 1, stock: 1 }, '')).status).toBe(401);
    expect((await create({ sku: sku(), name: 'x', price: 1, stock: 1 }, customer.token)).body.code).toBe('FORBIDDEN');
  });

  it('takes ids in any case, and answers with the lower-case id', async () => {
    const category = await system.http.post(
      '/api/v1/categories',
      { name: 'Case', slug: `case-${randomUUID().slice(0, 8)}` },
      { token: admin },
    );
    const product = await newProduct({ categoryId: category.body.id.toUpperCase() });
    expect(product.category.id).toBe(category.body.id);
    const upper = `/api/v1/products/${product.id.toUpperCase()}`;
    expect((await system.http.get(upper)).body).toEqual(product);
    const renamed = await system.http.patch(upper, { name: 'Renamed', version: 1 }, { token: admin });
    expect(renamed.body.id).toBe(product.id);
    // Read once more through either spelling: the cache holds one entry per product, not per spelling.
    expect((await system.http.get(upper)).body.name).toBe('Renamed');
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body.name).toBe('Renamed');
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    expect((await system.http.get(`/api/v1/products/${randomUUID()}`)).status).toBe(404);
    const malformed = await system.http.get('/api/v1/products/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toHaveProperty('id');
  });
});

describe('optimistic locking', () => {
  const patch = (id: string, body: object, headers: Record<string, string> = {}) =>
    system.http.patch(`/api/v1/products/${id}`, body, { token: admin, headers });
  const replace = (id: string, body: object, headers: Record<string, string> = {}) =>
    system.http.put(`/api/v1/products/${id}`, body, { token: admin, headers });

  it('applies a write at the current version and bumps it by one', async () => {
    const product = await newProduct();
    const response = await patch(product.id, { name: 'Renamed', version: 1 });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ name: 'Renamed', version: 2, price: 1000 }));
    expect(response.headers.get('etag')).toBe('"2"');
    const viaHeader = await patch(product.id, { price: 1500 }, { 'if-match': '"2"' });
    expect(viaHeader.body).toEqual(expect.objectContaining({ price: 1500, version: 3 }));
  });

  it('refuses a stale version: 409 with a body version, 412 with If-Match, and writes nothing', async () => {
    const product = await newProduct();
    await patch(product.id, { name: 'First', version: 1 });
    const stale = await patch(product.id, { name: 'Lost', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual(expect.objectContaining({ code: 'VERSION_CONFLICT', currentVersion: 2 }));
    const staleHeader = await patch(product.id, { name: 'Lost' }, { 'if-match': '"1"' });
    expect(staleHeader.status).toBe(412);
    expect(staleHeader.body).toEqual(expect.objectContaining({ code: 'VERSION_CONFLICT', currentVersion: 2 }));
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body).toEqual(
      expect.objectContaining({ name: 'First', version: 2 }),
    );
  });

  it('requires a version: 428 VERSION_REQUIRED', async () => {
    const product = await newProduct();
    const response = await patch(product.id, { name: 'No version' });
    expect(response.status).toBe(428);
    expect(response.body.code).toBe('VERSION_REQUIRED');
  });

  it('PUT replaces every editable field, resetting what is left out', async () => {
    const product = await newProduct({ description: 'old', currency: 'EUR' });
    const response = await system.http.put(
      `/api/v1/products/${product.id}`,
      { sku: product.sku, name: 'Replaced', price: 42, version: 1 },
      { token: admin },
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ name: 'Replaced', price: 42, description: '', currency: 'USD', stock: 5, version: 2 }),
    );
  });

  it('never lets PATCH or PUT set stock', async () => {
    const product = await newProduct();
    const patched = await patch(product.id, { stock: 999, version: 1 });
    expect([patched.status, Object.keys(patched.body.errors)]).toEqual([400, ['stock']]);
    const put = await replace(product.id, { sku: product.sku, name: 'x', price: 1, stock: 999, version: 1 });
    expect([put.status, Object.keys(put.body.errors)]).toEqual([400, ['stock']]);
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body).toEqual(product);
  });

  it('PUT refuses a stale version: 409 with a body version, 412 with If-Match, and writes nothing', async () => {
    const product = await newProduct();
    const fields = { sku: product.sku, name: 'Replaced', price: 7 };
    expect((await replace(product.id, { ...fields, version: 1 })).status).toBe(200);
    const stale = await replace(product.id, { ...fields, name: 'Lost', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual(expect.objectContaining({ code: 'VERSION_CONFLICT', currentVersion: 2 }));
    const staleHeader = await replace(product.id, { ...fields, name: 'Lost' }, { 'if-match': '"1"' });
    expect(staleHeader.status).toBe(412);
    expect(staleHeader.body).toEqual(expect.objectContaining({ code: 'VERSION_CONFLICT', currentVersion: 2 }));
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body).toEqual(
      expect.objectContaining({ name: 'Replaced', version: 2 }),
    );
  });

  it('PUT requires a version: 428 VERSION_REQUIRED, nothing written', async () => {
    const product = await newProduct();
    const response = await replace(product.id, { sku: product.sku, name: 'No version', price: 1 });
    expect(response.status).toBe(428);
    expect(response.body.code).toBe('VERSION_REQUIRED');
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body.version).toBe(1);
  });

  it('PATCH to a SKU another product has is 409 SKU_TAKEN, nothing written', async () => {
    const taken = await newProduct();
    const product = await newProduct();
    const response = await patch(product.id, { sku: taken.sku, version: 1 });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('SKU_TAKEN');
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body).toEqual(product);
  });

  it('answers PATCH and PUT of an unknown product with 404, whatever the version', async () => {
    const id = randomUUID();
    expect((await patch(id, { name: 'x', version: 1 })).body.code).toBe('NOT_FOUND');
    const put = await replace(id, { sku: sku(), name: 'x', price: 1 }, { 'if-match': '"1"' });
    expect([put.status, put.body.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('treats "version": null like no version: 428, or the If-Match version when there is one', async () => {
    const product = await newProduct();
    const without = await patch(product.id, { name: 'x', version: null });
    expect(without.status).toBe(428);
    expect(without.body.code).toBe('VERSION_REQUIRED');
    const withHeader = await patch(product.id, { name: 'Via header', version: null }, { 'if-match': '"1"' });
    expect(withHeader.status).toBe(200);
    expect(withHeader.body).toEqual(expect.objectContaining({ name: 'Via header', version: 2 }));
  });

  it('names the version field when the version is out of range', async () => {
    const product = await newProduct();
    const response = await patch(product.id, { name: 'x', version: 2 ** 31 });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.errors)).toEqual(['version']);
  });
});

describe('null in a write', () => {
  const patch = (id: string, body: object) => system.http.patch(`/api/v1/products/${id}`, body, { token: admin });

  it.each(['name', 'sku', 'price', 'currency', 'description'])(
    'PATCH {"%s": null} is 400 naming the field, and writes nothing',
    async (field) => {
      const product = await newProduct();
      const response = await patch(product.id, { [field]: null, version: 1 });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual({ [field]: expect.arrayContaining([`${field} must not be null`]) });
      expect((await system.http.get(`/api/v1/products/${product.id}`)).body.version).toBe(1);
    },
  );

  it('PUT with "description": null is 400, not a reset to the default', async () => {
    const product = await newProduct({ description: 'kept' });
    const response = await system.http.put(
      `/api/v1/products/${product.id}`,
      { sku: product.sku, name: 'x', price: 1, description: null, version: 1 },
      { token: admin },
    );
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.errors)).toEqual(['description']);
  });

  it('"categoryId": null takes the product out of its category', async () => {
    const category = await system.http.post(
      '/api/v1/categories',
      { name: 'Null test', slug: `null-${randomUUID().slice(0, 8)}` },
      { token: admin },
    );
    const product = await newProduct({ categoryId: category.body.id });
    expect(product.category.id).toBe(category.body.id);
    const response = await patch(product.id, { categoryId: null, version: 1 });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ category: null, version: 2 }));
  });
});

describe('delete', () => {
  it('hides the product from reads and listings', async () => {
    const product = await newProduct({ name: `Doomed ${randomUUID()}` });
    expect((await system.http.delete(`/api/v1/products/${product.id}`, { token: admin })).status).toBe(204);
    expect((await system.http.get(`/api/v1/products/${product.id}`)).status).toBe(404);
    const listed = await system.http.get(`/api/v1/products?q=${encodeURIComponent(product.name)}`);
    expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(product.id);
    expect((await system.http.delete(`/api/v1/products/${product.id}`, { token: admin })).status).toBe(404);
  });

  it('frees the SKU for a new product', async () => {
    const product = await newProduct();
    await system.http.delete(`/api/v1/products/${product.id}`, { token: admin });
    expect((await create({ sku: product.sku, name: 'Again', price: 1, stock: 1 })).status).toBe(201);
  });
});

describe('who may write', () => {
  let customer: string;
  let product: { id: string; sku: string };
  beforeAll(async () => {
    customer = (await newCustomer(system)).token;
    product = await newProduct();
  });

  const writes: [string, string, (id: string) => string, object | undefined][] = [
    ['PATCH', 'a product', (id) => `/api/v1/products/${id}`, { name: 'x', version: 1 }],
    ['PUT', 'a product', (id) => `/api/v1/products/${id}`, { sku: 'X-1', name: 'x', price: 1, version: 1 }],
    ['DELETE', 'a product', (id) => `/api/v1/products/${id}`, undefined],
    ['POST', 'a stock adjustment', (id) => `/api/v1/products/${id}/stock-adjustments`, { delta: 1, reason: 'x' }],
  ];

  it.each(writes)(
    '%s %s: 401 without a token, 403 for a customer, and nothing changes',
    async (method, _, path, body) => {
      const anonymous = await system.http.request(method, path(product.id), { body });
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHORIZED']);
      const forbidden = await system.http.request(method, path(product.id), { body, token: customer });
      expect([forbidden.status, forbidden.body.code]).toEqual([403, 'FORBIDDEN']);
      expect((await system.http.get(`/api/v1/products/${product.id}`)).body).toEqual(product);
    },
  );

  it.each(writes)('%s %s of an unknown product: 404 NOT_FOUND for an admin', async (method, _, path, body) => {
    const response = await system.http.request(method, path(randomUUID()), { body, token: admin });
    expect([response.status, response.body.code]).toEqual([404, 'NOT_FOUND']);
  });
});
