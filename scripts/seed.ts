// `npm run seed`: demo data (categories, 50 products with stock, a customer and an admin) in the
// databases the environment points at: each *_DATABASE_URL, else the embedded ones under DATA_DIR.
// It starts the shop as `npm start` does (so with the shop stopped), writes everything through the
// public API with the typed client, prints the accounts, and stops it again. Safe to run twice:
// what is already there is left as it is.
import { bearer, createShopClient, type Schema, type ShopClient } from '@shop/api-client';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadEnvFile } from './env-file.cjs';

loadEnvFile();

const ROOT = join(__dirname, '..');
/** auth makes sure this admin exists at start-up (ADMIN_EMAIL/ADMIN_PASSWORD); these are the demo's. */
const ADMIN = {
  email: process.env.ADMIN_EMAIL ?? 'admin@example.com',
  password: process.env.ADMIN_PASSWORD ?? 'demo-admin-password',
};
const CUSTOMER = { email: 'ada@example.com', password: 'demo-customer-password', name: 'Ada Lovelace' };

/** Name, price in cents and stock of each demo product, by category. */
const CATALOG: Record<string, [string, number, number][]> = {
  Coffee: [
    ['Espresso beans, 1 kg', 2490, 40],
    ['Filter coffee, 500 g', 1190, 60],
    ['Decaf beans, 250 g', 890, 25],
    ['Cold brew concentrate', 1450, 15],
    ['Single-origin Ethiopia, 250 g', 1290, 30],
    ['Moka pot, 6 cups', 3490, 12],
    ['Burr grinder', 8990, 8],
  ],
  Tea: [
    ['Green tea, loose, 100 g', 790, 50],
    ['Earl Grey, 50 bags', 650, 80],
    ['Chamomile, 20 bags', 390, 45],
    ['Matcha, 30 g', 1890, 20],
    ['Teapot, glass, 1 l', 2590, 10],
    ['Rooibos, 100 g', 690, 35],
  ],
  Books: [
    ['The art of brewing', 2990, 14],
    ['Bread at home', 2490, 9],
    ['A field guide to birds', 3490, 6],
    ['Chess openings for beginners', 1990, 18],
    ['Gardening through the year', 2790, 11],
    ['Knots and how to tie them', 1290, 22],
  ],
  Kitchen: [
    ['Cast-iron skillet, 26 cm', 4490, 16],
    ['Chef knife, 20 cm', 6990, 10],
    ['Cutting board, oak', 3290, 14],
    ['Kettle, 1.7 l', 3990, 20],
    ['Measuring spoons', 990, 40],
    ['Linen apron', 2490, 25],
    ['Spice rack', 2990, 7],
  ],
  Garden: [
    ['Trowel', 1490, 30],
    ['Watering can, 5 l', 1990, 18],
    ['Seed set: herbs', 890, 60],
    ['Pruning shears', 2490, 15],
    ['Gardening gloves', 1290, 35],
    ['Raised bed kit', 12990, 4],
  ],
  Games: [
    ['Chess set, wooden', 4990, 9],
    ['Jigsaw puzzle, 1000 pieces', 1990, 24],
    ['Deck of cards', 490, 100],
    ['Backgammon', 3990, 6],
    ['Dice set', 690, 50],
    ['Go board, 19×19', 5990, 0],
  ],
  Music: [
    ['Ukulele, soprano', 4990, 8],
    ['Guitar strings', 990, 45],
    ['Harmonica in C', 2490, 12],
    ['Metronome', 1990, 16],
    ['Capo', 1290, 30],
    ['Music stand', 2990, 9],
  ],
  Sports: [
    ['Yoga mat', 2990, 20],
    ['Jump rope', 990, 40],
    ['Water bottle, 750 ml', 1490, 55],
    ['Tennis balls, 3', 590, 70],
    ['Resistance bands', 1790, 26],
    ['Climbing chalk', 890, 33],
  ],
};

const log = (message: string) => console.log(`[seed] ${message}`);

/** start.mjs's ready line, which names where the gateway listens (PORT may be 0: a port of its own). */
const READY = /Shop is ready: (\S+)\/api\/v1/;

/** `npm start` with the demo admin configured, quiet, until its gateway is ready; with the gateway's URL. */
async function startShop(): Promise<{ shop: ChildProcess; base: string }> {
  const shop = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const failed = () => reject(new Error(`the shop did not start:\n${output.slice(-3000)}`));
    const read = (chunk: Buffer) => {
      output += chunk;
      const line = READY.exec(output);
      if (line) resolve(line[1]);
      // Either way start.mjs has said why, last.
      else if (output.includes('[start] not ready')) failed();
    };
    shop.stdout!.on('data', read);
    shop.stderr!.on('data', read);
    shop.once('exit', failed);
  });
  try {
    return { shop, base: await ready };
  } catch (error) {
    await stopShop(shop);
    throw error;
  }
}

async function stopShop(shop: ChildProcess): Promise<void> {
  if (shop.exitCode !== null) return;
  const exited = new Promise((resolve) => shop.once('exit', resolve));
  shop.kill('SIGINT');
  await exited;
}

/** The answer's body; a 409 (already there) as undefined; anything else an error naming what failed. */
function created<T>(what: string, { data, error, response }: { data?: T; error?: unknown; response: Response }) {
  if (data !== undefined) return data;
  if (response.status === 409) return undefined;
  throw new Error(`${what}: ${response.status} ${JSON.stringify(error)}`);
}

async function seedCatalog(api: ShopClient, adminToken: string) {
  const headers = bearer(adminToken);
  const existing = (await api.GET('/api/v1/categories')).data ?? [];
  let productsCreated = 0;
  let productsThere = 0;
  for (const [name, products] of Object.entries(CATALOG)) {
    const category: Schema<'CategoryDto'> | undefined =
      existing.find((c) => c.name === name) ??
      created(`category ${name}`, await api.POST('/api/v1/categories', { body: { name }, headers }));
    if (!category) throw new Error(`category ${name} is taken by another slug; rename it and run again`);
    for (const [i, [productName, price, stock]] of products.entries()) {
      const body = {
        sku: `DEMO-${category.slug.toUpperCase()}-${i + 1}`,
        name: productName,
        description: `${productName}, from the demo catalog.`,
        price,
        currency: 'EUR' as const,
        stock,
        categoryId: category.id,
      };
      const product = created(`product ${body.sku}`, await api.POST('/api/v1/products', { body, headers }));
      if (product) productsCreated += 1;
      else productsThere += 1;
    }
  }
  return { categories: Object.keys(CATALOG).length, productsCreated, productsThere };
}

async function main(): Promise<void> {
  log('starting the shop on the configured databases (stop a running `npm start` first)');
  const { shop, base } = await startShop();
  try {
    const api = createShopClient(base);
    const admin = await api.POST('/api/v1/auth/login', { body: ADMIN });
    if (!admin.data) throw new Error(`admin login: ${admin.response.status}`);
    const catalog = await seedCatalog(api, admin.data.accessToken);
    const customer = created('customer', await api.POST('/api/v1/auth/register', { body: CUSTOMER }));
    log(
      `${catalog.categories} categories; ${catalog.productsCreated} products created` +
        (catalog.productsThere ? `, ${catalog.productsThere} already there` : ''),
    );
    log(`admin:    ${ADMIN.email} / ${ADMIN.password}`);
    log(
      `customer: ${CUSTOMER.email} / ${CUSTOMER.password}` +
        (customer ? '' : ' (already registered: its password is whatever it was)'),
    );
  } finally {
    await stopShop(shop);
  }
}

main().catch((error: unknown) => {
  console.error(`[seed] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
