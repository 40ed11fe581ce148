/**
 * `npm run bench`: the whole system in production mode on real PostgreSQL and Redis, seeded,
 * then each scenario driven by autocannon from processes of their own (drive.ts) in rounds, each
 * measured against a ceiling taken in the same run just before and just after it (ceilings.ts,
 * rounds.ts), and costed in round trips, statements and commits counted by the apps (counts.ts).
 * Prints markdown tables and writes everything as JSON under bench/results/. `-- --profile` also
 * CPU-profiles the gateway, the catalog, orders and notifications.
 */
import { REDIS_URL } from './env';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearer, createShopClient } from '@shop/api-client';
import { accessToken, ADMIN_ENV, HttpClient, startSmtpSink, TEST_ADDRESS, TEST_ADMIN, TestSystem } from '@shop/testing';
import { type BareServer, spawnScript, startBareServer } from './ceilings';
import { checkOrders, commitsOnServer, type OrderCheck, waitForEvents } from './checks';
import {
  BACKEND_APPS,
  countSources,
  difference,
  lesser,
  perRequest,
  scale,
  settledSnapshot,
  snapshot,
  sum,
  summarize,
  type Counts,
} from './counts';
import { drive, LOADERS, type Measured } from './drive';
import type { LoadSpec, Variant } from './load';
import { hasPgbench, pgbenchOrders } from './pgbench-order';
import { summarizeProfile, type ProfileSummary } from './profile-summary';
import { type Ceilings, report, type Row } from './report';
import { medianRound, type Round, roundAgainst } from './rounds';

const RESULTS = join(__dirname, 'results');
const RUN_ID = new Date().toISOString().replace(/[:.]/g, '-');
const PROFILE = process.argv.includes('--profile');
/** `-- --only login,checkout`: the scenarios whose names contain one of these, and only the ceilings they need. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
const selected = (scenario: { name: string }) => !ONLY || ONLY.some((part) => scenario.name.includes(part));
const PROFILE_DIR = join(RESULTS, `profile-${RUN_ID}`);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CEILING_SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 3);
/** Rounds of each scenario that moves no stock; its figures are the median round's. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const CONNECTIONS = 50;
const LOGIN_CONNECTIONS = 16;
/** Checkout as the issue measures it: 50 buyers on 5 hot products with ample stock. */
const HOT = { products: 5, units: 1_000_000, buyers: 50 };
/** Orders under contention: this many products with this many units each, far fewer than the buyers want. */
const CONTENDED = { products: 5, units: 40, orders: 2_000 };
/** A backend publishes its statistics within 1 s of going idle, or 10 s when it could not take the lock (PGSTAT_IDLE_INTERVAL). */
const STATS_FLUSH_MS = 11_000;

const CATEGORIES = ['coffee', 'tea', 'books', 'games', 'tools', 'garden', 'kitchen', 'music', 'sports', 'toys'];
const ADJECTIVES = ['dark', 'bright', 'small', 'large', 'classic', 'modern', 'rustic', 'smart', 'quiet', 'fast'];
const NOUNS = ['roast', 'kettle', 'novel', 'puzzle', 'hammer', 'shovel', 'skillet', 'guitar', 'racket', 'robot'];

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

/** The answer's body, or an error naming what failed and its status. */
function bodyOf<T>(what: string, { data, response }: { data?: T; response: Response }): T {
  if (data === undefined) throw new Error(`${what}: ${response.status}`);
  return data;
}

const orderBody = (productId: string) =>
  JSON.stringify({ items: [{ productId, quantity: 1 }], shippingAddress: TEST_ADDRESS });

/** Seeds through the typed client generated from openapi.json, as any client of the API would. */
async function seed(system: TestSystem) {
  const api = createShopClient(system.http.baseUrl);
  const headers = bearer(await accessToken(system, TEST_ADMIN));
  log(`seeding ${CATEGORIES.length} categories, ${PRODUCTS} products, ${USERS} users with an order each`);
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
  const limited = (label: string, units: number) =>
    pool(
      Array.from({ length: 5 }, (_, i) => i),
      5,
      async (i) => {
        const body = { sku: `BENCH-${label}-${i}`, name: `${label} edition ${i}`, price: 5_000, stock: units };
        return bodyOf(`${label} product`, await api.POST('/api/v1/products', { body, headers })).id;
      },
    );
  const hot = await limited('HOT', HOT.units);
  const contended = await limited('LIMITED', CONTENDED.units);
  const users = Array.from({ length: USERS }, (_, i) => ({
    email: `bench-${i}@shop.test`,
    password: `password-${i}-bench`,
  }));
  const buyers = await pool(users, 8, async (user, i) => {
    bodyOf('register', await api.POST('/api/v1/auth/register', { body: { ...user, name: 'Bench' } }));
    const token = await accessToken(system, user);
    const order = bodyOf(
      'order',
      await api.POST('/api/v1/orders', {
        body: {
          items: [{ productId: productIds[i % productIds.length], quantity: 1 }],
          shippingAddress: { ...TEST_ADDRESS, country: 'GB' },
        },
        headers: { ...bearer(token), 'idempotency-key': `seed-${i}` },
      }),
    );
    return { token, orderId: order.id };
  });
  return { categories, productIds, users, buyers, hot, contended };
}

interface Scenario {
  name: string;
  spec: Omit<LoadSpec, 'url' | 'connections'> & { connections?: number };
  /** Answered 200 and stood in for by the bare server with the same bytes. */
  read?: boolean;
  /** Checked against the databases afterwards: these products, this many units each at the start. */
  stock?: { products: string[]; units: number };
}

function scenarios(data: Awaited<ReturnType<typeof seed>>): Scenario[] {
  const get = (name: string, variants: Variant[]): Scenario => ({
    name,
    read: true,
    spec: { method: 'GET', duration: SECONDS, variants },
  });
  const buyers = data.buyers.slice(0, HOT.buyers);
  return [
    get(
      'product by id',
      data.productIds.slice(0, 2_000).map((id) => ({ path: `/api/v1/products/${id}` })),
    ),
    get(
      'list products (category, price range, sort)',
      data.categories.map((c) => ({
        path: `/api/v1/products?category=${c.slug}&minPrice=1000&maxPrice=6000&sort=price&limit=20`,
      })),
    ),
    get(
      'search (full text)',
      ADJECTIVES.flatMap((a) => NOUNS.slice(0, 3).map((n) => ({ path: `/api/v1/products?q=${a}%20${n}&limit=20` }))),
    ),
    get(
      'own order by id',
      data.buyers.map(({ token, orderId }) => ({ path: `/api/v1/orders/${orderId}`, token })),
    ),
    get(
      'GET /auth/me',
      data.buyers.map(({ token }) => ({ path: '/api/v1/auth/me', token })),
    ),
    {
      name: 'login (argon2id)',
      spec: {
        // Enough to keep every libuv thread of auth verifying; 50 would only queue behind them.
        connections: LOGIN_CONNECTIONS,
        method: 'POST',
        duration: SECONDS,
        variants: data.users.slice(0, 100).map((user) => ({ path: '/api/v1/auth/login', body: JSON.stringify(user) })),
      },
    },
    {
      name: `checkout (${HOT.buyers} buyers, ${HOT.products} hot products)`,
      stock: { products: data.hot, units: HOT.units },
      spec: {
        method: 'POST',
        duration: SECONDS,
        idempotencyKey: true,
        collectCreatedIds: true,
        variants: buyers.flatMap(({ token }) =>
          data.hot.map((productId) => ({ path: '/api/v1/orders', token, body: orderBody(productId) })),
        ),
      },
    },
    {
      name: `checkout under contention (${CONTENDED.orders} attempts on ${CONTENDED.products} × ${CONTENDED.units} units)`,
      stock: { products: data.contended, units: CONTENDED.units },
      spec: {
        method: 'POST',
        amount: CONTENDED.orders,
        idempotencyKey: true,
        collectCreatedIds: true,
        variants: data.buyers.flatMap(({ token }) =>
          data.contended.map((productId) => ({ path: '/api/v1/orders', token, body: orderBody(productId) })),
        ),
      },
    },
  ];
}

/** What the scenarios measure against: the targets, each a ratio to one ceiling. */
function targetOf(scenario: string): { ceiling: 'bare' | 'pgbench' | 'argon2'; min: number } | undefined {
  if (scenario === 'product by id') return { ceiling: 'bare', min: 0.4 };
  if (scenario.startsWith('list') || scenario.startsWith('search')) return { ceiling: 'bare', min: 0.1 };
  if (scenario === 'own order by id') return { ceiling: 'bare', min: 0.2 };
  if (scenario.startsWith('login')) return { ceiling: 'argon2', min: 0.8 };
  if (scenario.startsWith('checkout (')) return { ceiling: 'pgbench', min: 0.5 };
  return undefined;
}

async function main(): Promise<void> {
  mkdirSync(PROFILE ? PROFILE_DIR : RESULTS, { recursive: true });
  const loadBefore = loadavg();
  const pgbench = await hasPgbench();
  if (!pgbench) log('pgbench not found (Debian: postgresql-client): the checkout ceiling will be missing');
  const production = { NODE_ENV: 'production', SHUTDOWN_DRAIN_MS: '1' };
  const preload = (profiled: boolean) => ({
    NODE_OPTIONS: [join(__dirname, 'counters.cjs'), ...(profiled ? [join(__dirname, 'cpu-profile.cjs')] : [])]
      .map((file) => `--require ${file}`)
      .join(' '),
    ...(profiled ? { BENCH_PROFILE_DIR: PROFILE_DIR } : {}),
  });
  const backend = { ...production, HEALTH_PORT: '0' };
  const started = Date.now();
  log('starting the system (NODE_ENV=production, PostgreSQL, Redis, an SMTP server that drops what it gets)');
  // As in production, notifications takes the orders' events and sends their emails; without it
  // the outbox relay would retry every event and charge checkout for it.
  const smtp = await startSmtpSink({ keep: false });
  const system = await TestSystem.start({
    label: 'bench',
    notifications: true,
    env: {
      // One client address drives everything here; limits would measure only 429s.
      gateway: {
        ...production,
        ...preload(PROFILE),
        REDIS_URL,
        THROTTLE_LIMIT: '1000000000',
        AUTH_THROTTLE_LIMIT: '1000000000',
      },
      auth: { ...backend, ...preload(false), ...ADMIN_ENV },
      catalog: { ...backend, ...preload(PROFILE), REDIS_URL },
      // Nothing is paid here; production otherwise insists on Stripe.
      orders: { ...backend, ...preload(PROFILE), PAYMENT_PROVIDER: 'test' },
      notifications: {
        ...backend,
        ...preload(PROFILE),
        SMTP_URL: smtp.url,
        ACCOUNT_LINK_BASE_URL: 'https://shop.bench/',
      },
    },
  });
  const rows: Row[] = [];
  const checks: Record<string, OrderCheck> = {};
  const ceilings: Ceilings = { bare: {} };
  let profiles: Record<string, ProfileSummary> = {};
  let countCheck: { app: string; client: number; server: number }[] = [];
  let bareServer: BareServer | undefined;
  try {
    const data = await seed(system);
    const sources = countSources(system);
    const all = scenarios(data).filter(selected);
    const payloads: Record<string, string> = {};
    /** The bare server's path answering a read scenario's bytes. */
    const barePaths = new Map<string, string>();
    for (const scenario of all.filter((s) => s.read)) {
      const { path, token } = scenario.spec.variants[0];
      const sample = await new HttpClient(system.baseUrl).get(path, token ? { token } : {});
      if (sample.status !== 200) throw new Error(`${scenario.name}: ${sample.status} ${sample.text}`);
      barePaths.set(scenario.name, `/${barePaths.size}`);
      payloads[barePaths.get(scenario.name)!] = sample.text;
      if (WARMUP_SECONDS > 0)
        await drive({ url: system.baseUrl, connections: CONNECTIONS, ...scenario.spec, duration: WARMUP_SECONDS });
    }

    const databases = Object.fromEntries(BACKEND_APPS.map((app) => [app, system.databaseUrl(app)]));
    await waitForEvents(databases);
    log(`idle for 2 × ${IDLE_SECONDS} s: what the apps do on their own is not charged to requests`);
    const idleStart = await snapshot(sources);
    await sleep(IDLE_SECONDS * 1000);
    const idleMiddle = await snapshot(sources);
    await sleep(IDLE_SECONDS * 1000);
    // The warm-up's statistics have reached the server by now (a backend publishes them within a second of going idle).
    const [serverBefore, clientBefore] = await Promise.all([commitsOnServer(databases), snapshot(sources)]);
    // The quieter of two windows: just after the warm-ups a process may still be compiling or
    // collecting (CPU time counts every thread), and a rate that includes it, taken off each
    // scenario, takes off more than the scenario's own work for the slower ones.
    const idlePerSecond = lesser(
      scale(difference(idleMiddle, idleStart), 1 / IDLE_SECONDS),
      scale(difference(clientBefore, idleMiddle), 1 / IDLE_SECONDS),
    );

    bareServer = barePaths.size ? await startBareServer(payloads) : undefined;
    /**
     * Measures a scenario's ceiling once more, on the machine as its round found or left it
     * (see rounds.ts); undefined for a scenario without one.
     */
    const measureCeiling = async (scenario: Scenario): Promise<number | undefined> => {
      const path = barePaths.get(scenario.name);
      const ceiling = targetOf(scenario.name)?.ceiling;
      if (path !== undefined) {
        log(`ceiling: bare node:http with the bytes of "${scenario.name}"`);
        const rps = await bareServer!.measure(path, { connections: CONNECTIONS, duration: CEILING_SECONDS });
        (ceilings.bare[scenario.name] ??= []).push(rps);
        return rps;
      }
      if (ceiling === 'pgbench' && pgbench) {
        log(`ceiling: pgbench, ${CONNECTIONS} clients placing orders on 5 hot rows`);
        const result = await pgbenchOrders(CONNECTIONS, CEILING_SECONDS);
        (ceilings.pgbench ??= []).push(result);
        return result.single.ordersPerSecond;
      }
      if (ceiling === 'argon2') {
        log('ceiling: argon2id verifications in one process');
        const result = JSON.parse(
          await spawnScript('argon2-ceiling.ts', [String(CEILING_SECONDS)]).exited,
        ) as NonNullable<Ceilings['argon2']>[number];
        (ceilings.argon2 ??= []).push(result);
        return result.verificationsPerSecond;
      }
      return undefined;
    };

    const placed: { scenario: Scenario; measured: Measured }[] = [];
    for (const scenario of all) {
      // In rounds, each between two measurements of its ceiling (as the issue measured: medians of
      // 3), so a moment's noise is one round's alone; a fixed number of orders on scarce stock, once.
      const count = scenario.spec.amount ? 1 : ROUNDS;
      const rounds: Round[] = [];
      let delta: Counts = {};
      let seconds = 0;
      let ceilingBefore = await measureCeiling(scenario);
      for (let round = 1; round <= count; round++) {
        log(count === 1 ? scenario.name : `${scenario.name}, round ${round} of ${count}`);
        const before = await snapshot(sources);
        const from = performance.now();
        const measured = await drive({ url: system.baseUrl, connections: CONNECTIONS, ...scenario.spec });
        let after = await settledSnapshot(sources, before, measured.sent);
        // An order's events and emails are its cost too, and the ceiling after it is taken on a quiet machine.
        if (scenario.stock) {
          await waitForEvents(databases);
          after = await snapshot(sources);
        }
        seconds += (performance.now() - from) / 1000;
        delta = sum(delta, difference(after, before));
        const ceilingAfter = await measureCeiling(scenario);
        rounds.push(roundAgainst(measured, ceilingBefore, ceilingAfter));
        ceilingBefore = ceilingAfter;
      }
      const median = medianRound(rounds);
      const sent = rounds.reduce((n, { measured }) => n + measured.sent, 0);
      rows.push(toRow(scenario, median, rounds, perRequest(delta, idlePerSecond, seconds, sent)));
      if (scenario.stock) {
        // Every order of every round is checked against the databases.
        const measuredRounds = rounds.map((round) => round.measured);
        const requests = measuredRounds.reduce((n, measured) => n + measured.requests, 0);
        const createdIds = measuredRounds.flatMap((measured) => measured.createdIds);
        placed.push({ scenario, measured: { ...median.measured, createdIds, sent, requests } });
      }
    }

    // PostgreSQL publishes the apps' last statistics.
    await sleep(STATS_FLUSH_MS);
    const [serverAfter, clientAfter] = await Promise.all([commitsOnServer(databases), snapshot(sources)]);
    countCheck = BACKEND_APPS.map((app) => ({
      app,
      // A new connection's backend commits once while starting up.
      client: (['commits', 'connects'] as const).reduce(
        (sum, what) => sum + (clientAfter[`${app}.sql.${what}`] ?? 0) - (clientBefore[`${app}.sql.${what}`] ?? 0),
        0,
      ),
      server: serverAfter[app] - serverBefore[app],
    }));
    // Only now, so that their own queries are not among the commits just compared.
    for (const { scenario, measured } of placed)
      checks[scenario.name] = await checkOrders(system, scenario.stock!, measured);

    if (PROFILE) {
      for (const app of ['gateway', 'catalog', 'orders', 'notifications'] as const)
        await system.stopApp(app, 'SIGTERM');
      profiles = Object.fromEntries(
        readdirSync(PROFILE_DIR)
          .filter((file) => file.endsWith('.cpuprofile'))
          .map((file) => [file, summarizeProfile(join(PROFILE_DIR, file))]),
      );
    }
  } finally {
    bareServer?.stop();
    await system.stop();
    await smtp.stop();
  }

  for (const row of rows) {
    const target = targetOf(row.scenario);
    if (target) {
      row.target = `≥ ${target.min} of ${target.ceiling}${target.ceiling === 'pgbench' ? ', p99 ≤ 250 ms' : ''}`;
      row.pass =
        row.ratio !== undefined &&
        row.ratio >= target.min &&
        (target.ceiling !== 'pgbench' || row.latencyMs.p99 <= 250) &&
        (checks[row.scenario]?.ok ?? true);
    }
  }

  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageBefore: loadBefore.map((n) => Math.round(n * 100) / 100),
    loadAverageAfter: loadavg().map((n) => Math.round(n * 100) / 100),
  };
  report({ machine, rows, ceilings, checks, countCheck, profiles });
  const file = join(RESULTS, `bench-${RUN_ID}.json`);
  const config = {
    seconds: SECONDS,
    ceilingSeconds: CEILING_SECONDS,
    connections: CONNECTIONS,
    loginConnections: LOGIN_CONNECTIONS,
    loaders: LOADERS,
    products: PRODUCTS,
    users: USERS,
  };
  writeFileSync(file, JSON.stringify({ machine, config, ceilings, rows, checks, countCheck, profiles }, null, 2));
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; results in ${file}`);
  const failed = Object.entries(checks).filter(([, check]) => !check.ok);
  if (failed.length) {
    console.error('ORDERS DO NOT ADD UP:', failed);
    process.exitCode = 1;
  }
}

function toRow(scenario: Scenario, median: Round, rounds: Round[], cost: Counts): Row {
  const { createdIds: _ids, ...rest } = median.measured;
  const { ceiling, ratio } = median;
  const name = targetOf(scenario.name)?.ceiling ?? 'bare';
  return {
    scenario: scenario.name,
    ...rest,
    ...(ceiling !== undefined ? { ceiling: { name, value: ceiling }, ratio } : {}),
    rounds: rounds.map((round) => ({ requestsPerSecond: round.measured.requestsPerSecond, ratio: round.ratio })),
    cost: summarize(cost),
    counted: cost,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
