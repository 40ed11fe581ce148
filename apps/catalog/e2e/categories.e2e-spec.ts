import { accessToken, ADMIN_ENV, TEST_ADMIN, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';

let system: TestSystem;
let admin: string;

beforeAll(async () => {
  system = await TestSystem.start({ label: 'catalog_categories', env: { auth: ADMIN_ENV } });
  admin = await accessToken(system, TEST_ADMIN);
});
afterAll(() => system?.stop());

const slug = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const createCategory = (body: object) => system.http.post('/api/v1/categories', body, { token: admin });
const newCategory = async (body: object = {}) => {
  const response = await createCategory({ name: 'Category', slug: slug('cat'), ...body });
  expect(response.status).toBe(201);
  return response.body as { id: string; slug: string; name: string; parentId: string | null };
};
const newProduct = async (categoryId: string) => {
  const response = await system.http.post(
    '/api/v1/products',
    { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'Thing', price: 1000, stock: 5, categoryId },
    { token: admin },
  );
  expect(response.status).toBe(201);
  return response.body;
};

describe('categories', () => {
  it('creates categories with derived or given slugs, unique', async () => {
    const tea = await createCategory({ name: `Green Tea ${randomUUID().slice(0, 6)}` });
    expect(tea.status).toBe(201);
    expect(tea.body.slug).toMatch(/^green-tea-[a-z0-9]+$/);
    const clash = await createCategory({ name: 'Other', slug: tea.body.slug });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('SLUG_TAKEN');
    const child = await createCategory({
      name: 'Sencha',
      slug: `sencha-${randomUUID().slice(0, 6)}`,
      parentId: tea.body.id,
    });
    expect(child.body.parentId).toBe(tea.body.id);
    const list = await system.http.get('/api/v1/categories');
    expect(list.body.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([tea.body.id, child.body.id]));
  });

  it('refuses cycles and deleting a category that has children', async () => {
    const parent = await createCategory({ name: 'Parent', slug: `parent-${randomUUID().slice(0, 6)}` });
    const child = await createCategory({
      name: 'Child',
      slug: `child-${randomUUID().slice(0, 6)}`,
      parentId: parent.body.id,
    });
    const cycle = await system.http.patch(
      `/api/v1/categories/${parent.body.id}`,
      { parentId: child.body.id },
      { token: admin },
    );
    expect(cycle.status).toBe(409);
    expect(cycle.body.code).toBe('CATEGORY_CYCLE');
    const blocked = await system.http.delete(`/api/v1/categories/${parent.body.id}`, { token: admin });
    expect(blocked.body.code).toBe('CATEGORY_IN_USE');
  });

  it('shows a renamed category on its products, with a new product version', async () => {
    const category = await createCategory({ name: 'Before', slug: `before-${randomUUID().slice(0, 6)}` });
    const product = await newProduct(category.body.id);
    await system.http.get(`/api/v1/products/${product.id}`); // cached now
    await system.http.patch(`/api/v1/categories/${category.body.id}`, { name: 'After' }, { token: admin });
    const read = await system.http.get(`/api/v1/products/${product.id}`);
    expect(read.body.category.name).toBe('After');
    expect(read.body.version).toBe(2);
    expect((await system.http.delete(`/api/v1/categories/${category.body.id}`, { token: admin })).status).toBe(204);
    expect((await system.http.get(`/api/v1/products/${product.id}`)).body).toEqual(
      expect.objectContaining({ category: null, version: 3 }),
    );
  });
});

describe('null in a category write', () => {
  it.each(['name', 'slug'])('PATCH {"%s": null} is 400 naming the field, and changes nothing', async (field) => {
    const category = await newCategory();
    const response = await system.http.patch(`/api/v1/categories/${category.id}`, { [field]: null }, { token: admin });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toEqual({ [field]: expect.arrayContaining([`${field} must not be null`]) });
    const listed = (await system.http.get('/api/v1/categories')).body.find((c: { id: string }) => c.id === category.id);
    expect(listed).toEqual(category);
  });

  it('POST with "slug": null is 400, not a derived slug', async () => {
    const response = await createCategory({ name: 'Null slug', slug: null });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.errors)).toEqual(['slug']);
  });

  it('"parentId": null makes a category top-level', async () => {
    const parent = await newCategory();
    const child = await newCategory({ parentId: parent.id });
    const response = await system.http.patch(`/api/v1/categories/${child.id}`, { parentId: null }, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body.parentId).toBeNull();
  });
});
