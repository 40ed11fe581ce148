import { accessToken, ADMIN_ENV, newCustomer, TEST_ADMIN, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

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

describe('category errors', () => {
  const patch = (id: string, body: object) => system.http.patch(`/api/v1/categories/${id}`, body, { token: admin });

  it('PATCH to a slug another category has is 409 SLUG_TAKEN, nothing changed', async () => {
    const taken = await newCategory();
    const category = await newCategory();
    const response = await patch(category.id, { slug: taken.slug });
    expect([response.status, response.body.code]).toEqual([409, 'SLUG_TAKEN']);
    const listed = (await system.http.get('/api/v1/categories')).body.find((c: { id: string }) => c.id === category.id);
    expect(listed).toEqual(category);
  });

  it('PATCH under a parent that does not exist is 400 naming parentId', async () => {
    const category = await newCategory();
    const response = await patch(category.id, { parentId: randomUUID() });
    expect([response.status, response.body.code, response.body.errors]).toEqual([
      400,
      'VALIDATION_FAILED',
      { parentId: ['category not found'] },
    ]);
  });

  it('PATCH and DELETE of an unknown category are 404 NOT_FOUND', async () => {
    const id = randomUUID();
    const patched = await patch(id, { name: 'x' });
    expect([patched.status, patched.body.code]).toEqual([404, 'NOT_FOUND']);
    const deleted = await system.http.delete(`/api/v1/categories/${id}`, { token: admin });
    expect([deleted.status, deleted.body.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('DELETE of a category with subcategories is 409 CATEGORY_IN_USE and deletes nothing', async () => {
    const parent = await newCategory();
    await newCategory({ parentId: parent.id });
    const refused = await system.http.delete(`/api/v1/categories/${parent.id}`, { token: admin });
    expect([refused.status, refused.body.code]).toEqual([409, 'CATEGORY_IN_USE']);
    expect((await system.http.get('/api/v1/categories')).body.map((c: { id: string }) => c.id)).toContain(parent.id);
  });

  describe('who may write', () => {
    let customer: string;
    beforeAll(async () => (customer = (await newCustomer(system)).token));

    it.each([
      ['POST', () => '/api/v1/categories', { name: 'Nope' }],
      ['PATCH', (id: string) => `/api/v1/categories/${id}`, { name: 'Nope' }],
      ['DELETE', (id: string) => `/api/v1/categories/${id}`, undefined],
    ] as const)('%s: 401 without a token, 403 for a customer, and nothing changes', async (method, path, body) => {
      const category = await newCategory();
      const anonymous = await system.http.request(method, path(category.id), { body });
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHORIZED']);
      const forbidden = await system.http.request(method, path(category.id), { body, token: customer });
      expect([forbidden.status, forbidden.body.code]).toEqual([403, 'FORBIDDEN']);
      const listed = (await system.http.get('/api/v1/categories')).body as { id: string; name: string }[];
      expect(listed.map((c) => c.name)).not.toContain('Nope');
      expect(listed.find((c) => c.id === category.id)).toEqual(category);
    });
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

describe('a category deleted between the check and the write', () => {
  let db: Client;
  // Triggers delete the category inside the write's own transaction, after the service checked
  // it and before the row is written: the interleaving a concurrent DELETE can produce, on demand.
  beforeAll(async () => {
    db = new Client({ connectionString: system.databaseUrl('catalog') });
    await db.connect();
    await db.query(`
      create function race_delete_category() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'products' then
          delete from categories where id = new.category_id;
        elsif tg_op = 'INSERT' then
          delete from categories where id = new.parent_id;
        else
          insert into categories (name, slug, parent_id) values ('Late child', 'late-' || old.slug, old.id);
        end if;
        return coalesce(new, old);
      end $$;
      create trigger race_product_write before insert or update on products
        for each row when (new.sku like 'RACE-%') execute function race_delete_category();
      create trigger race_child_insert before insert on categories
        for each row when (new.slug like 'race-child-%') execute function race_delete_category();
      create trigger race_parent_delete before delete on categories
        for each row when (old.slug like 'race-parent-%') execute function race_delete_category();`);
  });
  afterAll(async () => {
    await db.query(`
      drop trigger race_product_write on products;
      drop trigger race_child_insert on categories;
      drop trigger race_parent_delete on categories;
      drop function race_delete_category();`);
    await db.end();
  });

  const problem = (response: { status: number; body: { code: string; errors?: object } }) => [
    response.status,
    response.body.code,
    response.body.errors,
  ];
  const createProduct = (sku: string, categoryId: string) =>
    system.http.post('/api/v1/products', { sku, name: 'Thing', price: 1, stock: 1, categoryId }, { token: admin });

  it('a product create naming it answers as for a category that never existed', async () => {
    const unknown = await createProduct(`SKU-${randomUUID().slice(0, 8)}`, randomUUID());
    expect(problem(unknown)).toEqual([400, 'VALIDATION_FAILED', { categoryId: ['category not found'] }]);
    const category = await newCategory();
    const raced = await createProduct(`RACE-${randomUUID().slice(0, 8)}`, category.id);
    expect(problem(raced)).toEqual(problem(unknown));
  });

  it('a product update naming it answers the same', async () => {
    const plain = await system.http.post(
      '/api/v1/products',
      { sku: `RACE-${randomUUID().slice(0, 8)}`, name: 'Thing', price: 1, stock: 1 },
      { token: admin },
    );
    expect(plain.status).toBe(201);
    const category = await newCategory();
    const raced = await system.http.patch(
      `/api/v1/products/${plain.body.id}`,
      { categoryId: category.id, version: 1 },
      { token: admin },
    );
    expect(problem(raced)).toEqual([400, 'VALIDATION_FAILED', { categoryId: ['category not found'] }]);
    expect((await system.http.get(`/api/v1/products/${plain.body.id}`)).body.version).toBe(1);
  });

  it('a subcategory create under it answers as for a parent that never existed', async () => {
    const unknown = await createCategory({ name: 'Orphan', slug: slug('orphan'), parentId: randomUUID() });
    expect(problem(unknown)).toEqual([400, 'VALIDATION_FAILED', { parentId: ['category not found'] }]);
    const parent = await newCategory();
    const raced = await createCategory({ name: 'Child', slug: slug('race-child'), parentId: parent.id });
    expect(problem(raced)).toEqual(problem(unknown));
  });

  it('a delete that a new subcategory overtakes answers as for one that had it all along', async () => {
    const parent = await newCategory({ slug: slug('race-parent') });
    const raced = await system.http.delete(`/api/v1/categories/${parent.id}`, { token: admin });
    expect([raced.status, raced.body.code]).toEqual([409, 'CATEGORY_IN_USE']);
    const listed = (await system.http.get('/api/v1/categories')).body as { id: string; parentId: string }[];
    expect(listed.map((c) => c.id)).toContain(parent.id);
  });
});
