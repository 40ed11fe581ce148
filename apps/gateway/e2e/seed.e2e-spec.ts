import { createTestDatabase, ROOT } from '@shop/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

// `npm run seed` against PostgreSQL databases named by the environment, as a user would point it
// at theirs: the demo data arrives through the apps (so their own rules apply), the accounts are
// printed, and a second run adds nothing.
jest.setTimeout(400_000);

const APPS = ['auth', 'catalog', 'orders', 'notifications'] as const;
let root: string;
let env: Record<string, string>;
const drops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'shop-seed-'));
  // ENV_FILE empty: a developer's .env must not configure the test. Every port 0: the shop and its
  // mail catcher bind ports of their own beside any other copy, and start.mjs tells the seed where.
  env = { PATH: process.env.PATH!, ENV_FILE: '', PORT: '0', DATA_DIR: join(root, '.data') };
  env.MAILDEV_SMTP_PORT = '0';
  env.MAILDEV_WEB_PORT = '0';
  for (const app of APPS) {
    const database = await createTestDatabase(`seed_${app}`);
    drops.push(database.drop);
    env[`${app.toUpperCase()}_DATABASE_URL`] = database.url;
    env[`${app.toUpperCase()}_SERVICE_URL`] = 'tcp://127.0.0.1:0';
  }
});
afterAll(async () => {
  await Promise.all(drops.map((drop) => drop()));
  rmSync(root, { recursive: true, force: true });
});

const seed = async () =>
  (await promisify(execFile)(process.execPath, ['-r', './tools/register.cjs', 'scripts/seed.ts'], { cwd: ROOT, env }))
    .stdout;

async function rows(app: (typeof APPS)[number], sql: string) {
  const client = new Client({ connectionString: env[`${app.toUpperCase()}_DATABASE_URL`] });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

it('loads categories, 50 products with stock, a customer and an admin, prints the accounts, and is safe to repeat', async () => {
  const first = await seed();
  expect(first).toContain('8 categories; 50 products created');
  expect(first).toContain('admin:    admin@example.com / demo-admin-password');
  expect(first).toContain('customer: ada@example.com / demo-customer-password');

  const [products] = await rows('catalog', 'SELECT count(*)::int AS n, sum(stock)::int AS units FROM products');
  expect(products.n).toBe(50);
  expect(products.units).toBeGreaterThan(1000);
  expect(await rows('auth', 'SELECT email, role FROM users ORDER BY email')).toEqual([
    { email: 'ada@example.com', role: 'customer' },
    { email: 'admin@example.com', role: 'admin' },
  ]);

  const second = await seed();
  expect(second).toContain('8 categories; 0 products created, 50 already there');
  expect(second).toContain('already registered');
  expect((await rows('catalog', 'SELECT count(*)::int AS n FROM products'))[0].n).toBe(50);
});
