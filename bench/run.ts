/**
 * `npm run bench`: the whole system in production mode on real PostgreSQL and Redis, seeded,
 * then each scenario driven by autocannon from its own process, and the read scenarios also
 * against a bare node:http server returning the same bytes (see bare-server.ts). Prints a
 * table and writes it as JSON under bench/results/. `-- --profile` also CPU-profiles the
 * gateway and the catalog and prints where their time went.
 */
import { REDIS_URL } from './env';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { bearer, createShopClient } from '@shop/api-client';
import { accessToken, ADMIN_ENV, HttpClient, TEST_ADDRESS, TEST_ADMIN, TestSystem } from '@shop/testing';
import type { LoadResult, LoadSpec } from './load';
import { summarizeProfile, type ProfileSummary } from './profile-summary';

const ROOT = join(__dirname, '..');
const RESULTS = join(__dirname, 'results');
const RUN_ID = new Date().toISOString().replace(/[:.]/g, '-');
const PROFILE = process.argv.includes('--profile');
const PROFILE_DIR = join(RESULTS, `profile-${RUN_ID}`);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 1_000);
const CONNECTIONS = 50;
/** Orders under contention: this many products with this many units each, far fewer than the buyers want. */
const CONTENDED = { products: 5, units: 40, orders: 2_000 };

const CATEGORIES = ['coffee', 'tea', 'books', 'games', 'tools', 'garden', 'kitchen', 'music', 'sports', 'toys'];
const ADJECTIVES = ['dark', 'bright', 'small', 'large', 'classic', 'modern', 'rustic', 'smart', 'quiet', 'fast'];
const NOUNS = ['roast', 'kettle', 'novel', 'puzzle', 'hammer', 'shovel', 'skillet', 'guitar', 'racket', 'robot'];

interface Row extends LoadResult {
  scenario: string;
  bareRequestsPerSecond?: number;
  ratioToBare?: number;
  oversold?: { initialUnits: number; unitsLeft: number; unitsInOrders: number; ok: boolean };
}

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Runs `work` over `items`, `concurrency` at a time. */
async function pool<T, R>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

function drive(spec: LoadSpec): Promise<LoadResult> {
  const file = join(RESULTS, `.spec-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/register.cjs'), join(__dirname, 'load.ts'), file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load exited ${code}`)),
    );
  });
}

async function startBareServer(payloads: Record<string, string>): Promise<{ url: string; stop(): void }> {
  const file = join(RESULTS, `.payloads-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(payloads));
  const child = spawn(
    process.execPath,
    ['-r', join(ROOT, 'tools/register.cjs'), join(__dirname, 'bare-server.ts'), file],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (chunk) => resolve(String(chunk).trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function query<T>(url: string, sql: string, params: unknown[]): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows[0] as T;
  } finally {
    await client.end();
  }
}

/** The answer's body, or an error naming what failed and its status. */
function bodyOf<T>(what: string, { data, response }: { data?: T; response: Response }): T {
  if (data === undefined) throw new Error(`${what}: ${response.status}`);
  return data;
}

/** Seeds through the typed client generated from openapi.json, as any client of the API would. */
async function seed(system: TestSystem) {
  const api = createShopClient(system.http.baseUrl);
  const headers = bearer(await accessToken(system, TEST_ADMIN));
  log(`seeding ${CATEGORIES.length} categories, ${PRODUCTS} products, ${USERS} users`);
  const categories = await pool(CATEGORIES, 4, async (name) =>
    bodyOf('category', await api.POST('/api/v1/categories', { body: { name }, headers })),
  );
  const productIds = await pool(
    Array.from({ length: PRODUCTS }, (_, i) => i),
    32,
    async (i) => {
      const name = `${ADJECTIVES[i % 10]} ${NOUNS[Math.floor(i / 10) % 10]} ${i}`;
      const body = {
        sku: `BENCH-${i}`,
        name,
        description: `A ${name} for everyday use`,
        price: 100 + ((i * 7919) % 10_000),
        stock: 1_000,
        categoryId: categories[i % categories.length].id,
      };
      return bodyOf('product', await api.POST('/api/v1/products', { body, headers })).id;
    },
  );
  const users = Array.from({ length: USERS }, (_, i) => ({
    email: `bench-${i}@shop.test`,
    password: `password-${i}-bench`,
  }));
  const tokens = await pool(users, 8, async (user) => {
    bodyOf('register', await api.POST('/api/v1/auth/register', { body: { ...user, name: 'Bench' } }));
    return accessToken(system, user);
  });
  const contended = await pool(
    Array.from({ length: CONTENDED.products }, (_, i) => i),
    5,
    async (i) => {
      const body = { sku: `BENCH-HOT-${i}`, name: `limited edition ${i}`, price: 5_000, stock: CONTENDED.units };
      return bodyOf('contended product', await api.POST('/api/v1/products', { body, headers })).id;
    },
  );
  return { categories, productIds, users, tokens, contended };
}

async function main(): Promise<void> {
  mkdirSync(PROFILE ? PROFILE_DIR : RESULTS, { recursive: true });
  const production = { NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: '1' };
  const profiled: Record<string, string> = PROFILE
    ? { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.cjs')}`, BENCH_PROFILE_DIR: PROFILE_DIR }
    : {};
  const started = Date.now();
  log('starting the system (NODE_ENV=production, PostgreSQL, Redis)');
  const system = await TestSystem.start({
    label: 'bench',
    env: {
      // One client address drives everything here; limits would measure only 429s.
      gateway: {
        ...production,
        ...profiled,
        REDIS_URL,
        THROTTLE_LIMIT: '1000000000',
        AUTH_THROTTLE_LIMIT: '1000000000',
      },
      auth: { ...production, ...ADMIN_ENV },
      catalog: { ...production, ...profiled, REDIS_URL },
      // Nothing is paid here; production otherwise insists on Stripe.
      orders: { ...production, PAYMENT_PROVIDER: 'test' },
    },
  });
  const rows: Row[] = [];
  let profiles: Record<string, ProfileSummary> = {};
  try {
    const data = await seed(system);
    const target = { url: system.baseUrl, connections: CONNECTIONS, duration: SECONDS };
    const reads: { scenario: string; paths: string[] }[] = [
      {
        scenario: 'list products (category, price range, sort)',
        paths: data.categories.map(
          (c) => `/api/v1/products?category=${c.slug}&minPrice=1000&maxPrice=6000&sort=price&limit=20`,
        ),
      },
      { scenario: 'product by id', paths: data.productIds.slice(0, 2_000).map((id) => `/api/v1/products/${id}`) },
      {
        scenario: 'search (full text)',
        paths: ADJECTIVES.flatMap((a) => NOUNS.slice(0, 3).map((n) => `/api/v1/products?q=${a}%20${n}&limit=20`)),
      },
    ];
    const payloads: Record<string, string> = {};
    for (const [i, read] of reads.entries()) {
      log(read.scenario);
      const sample = await new HttpClient(system.baseUrl).get(read.paths[0]);
      if (sample.status !== 200) throw new Error(`${read.scenario}: ${sample.status}`);
      payloads[`/${i}`] = sample.text;
      rows.push({ scenario: read.scenario, ...(await drive({ ...target, method: 'GET', paths: read.paths })) });
    }

    log('the same reads against a bare node:http server');
    const bare = await startBareServer(payloads);
    try {
      for (const [i, read] of reads.entries()) {
        const baseline = await drive({ ...target, url: bare.url, method: 'GET', paths: [`/${i}`] });
        const row = rows.find((r) => r.scenario === read.scenario)!;
        row.bareRequestsPerSecond = baseline.requestsPerSecond;
        row.ratioToBare = Math.round((1000 * row.requestsPerSecond) / baseline.requestsPerSecond) / 1000;
      }
    } finally {
      bare.stop();
    }

    log('login');
    rows.push({
      scenario: 'login (argon2id)',
      ...(await drive({
        ...target,
        connections: 8,
        method: 'POST',
        paths: ['/api/v1/auth/login'],
        bodies: data.users.slice(0, 100).map((user) => JSON.stringify(user)),
      })),
    });

    log('add to cart');
    rows.push({
      scenario: 'add to cart',
      ...(await drive({
        ...target,
        method: 'POST',
        paths: ['/api/v1/cart/items'],
        tokens: data.tokens,
        bodies: data.productIds.slice(0, 20).map((productId) => JSON.stringify({ productId, quantity: 1 })),
      })),
    });

    log(`orders: ${CONTENDED.orders} attempts on ${CONTENDED.products} × ${CONTENDED.units} units`);
    const orders = await drive({
      url: system.baseUrl,
      connections: CONNECTIONS,
      amount: CONTENDED.orders,
      method: 'POST',
      paths: ['/api/v1/orders'],
      tokens: data.tokens,
      bodies: data.contended.map((productId) =>
        JSON.stringify({ items: [{ productId, quantity: 1 }], shippingAddress: TEST_ADDRESS }),
      ),
    });
    const { left } = await query<{ left: string }>(
      system.databaseUrl('catalog'),
      'select sum(stock) as left from products where id = any($1)',
      [data.contended],
    );
    const { sold } = await query<{ sold: string }>(
      system.databaseUrl('orders'),
      `select coalesce(sum(i.quantity), 0) as sold from order_items i join orders o on o.id = i.order_id
       where i.product_id = any($1) and o.status <> 'cancelled'`,
      [data.contended],
    );
    const initialUnits = CONTENDED.products * CONTENDED.units;
    const placed = Object.entries(orders.statuses).reduce((n, [s, c]) => (s.startsWith('2') ? n + c : n), 0);
    const oversold = {
      initialUnits,
      unitsLeft: Number(left),
      unitsInOrders: Number(sold),
      ok: Number(left) >= 0 && Number(left) + Number(sold) === initialUnits && Number(sold) === placed,
    };
    rows.push({ scenario: 'place order (contention)', ...orders, oversold });

    if (PROFILE) {
      for (const app of ['gateway', 'catalog'] as const) await system.stopApp(app, 'SIGTERM');
      profiles = Object.fromEntries(
        readdirSync(PROFILE_DIR)
          .filter((file) => file.endsWith('.cpuprofile'))
          .map((file) => [file, summarizeProfile(join(PROFILE_DIR, file))]),
      );
    }
  } finally {
    await system.stop();
  }

  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };
  report(rows, profiles);
  const file = join(RESULTS, `bench-${RUN_ID}.json`);
  writeFileSync(file, JSON.stringify({ machine, seconds: SECONDS, connections: CONNECTIONS, rows, profiles }, null, 2));
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; results in ${file}`);
  const failed = rows.find((row) => row.oversold && !row.oversold.ok);
  if (failed) {
    console.error('OVERSOLD: units in orders and units left do not add up', failed.oversold);
    process.exitCode = 1;
  }
}

function report(rows: Row[], profiles: Record<string, ProfileSummary>): void {
  // Socket errors and timeouts never got an answer, so they are not among the non-2xx.
  console.log('\n| Scenario | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | vs bare node:http |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const ratio =
      row.ratioToBare === undefined ? '' : `${(row.ratioToBare * 100).toFixed(1)} % of ${row.bareRequestsPerSecond}`;
    const non2xx = row.oversold
      ? `${row.non2xx} (${Object.entries(row.statuses)
          .map(([s, c]) => `${c}×${s}`)
          .join(', ')}; oversold: ${row.oversold.ok ? 'no' : 'YES'})`
      : String(row.non2xx);
    const { p50, p95, p99 } = row.latencyMs;
    console.log(
      `| ${row.scenario} | ${row.requestsPerSecond} | ${p50} | ${p95} | ${p99} | ${non2xx} | ${row.errors} | ${ratio} |`,
    );
  }
  for (const [file, summary] of Object.entries(profiles)) {
    console.log(`\nCPU profile ${file} (${summary.totalMs} ms busy)`);
    for (const { area, percent } of summary.byArea) console.log(`  ${percent.toFixed(1).padStart(5)} %  ${area}`);
    console.log('  top functions (self time):');
    for (const { name, percent } of summary.topFunctions) console.log(`  ${percent.toFixed(1).padStart(5)} %  ${name}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
