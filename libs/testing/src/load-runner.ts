/**
 * A steady mixed load on the gateway, from its own process (so the test's process measuring it
 * is not the one competing for the CPU). Run with `node -r tools/register.cjs load-runner.ts
 * <config.json> <results.json>`; it stops by itself after `durationMs`.
 */
import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export interface LoadConfig {
  baseUrl: string;
  durationMs: number;
  concurrency: number;
  tokens: string[];
  productIds: string[];
}

/** One request: when it started and ended (epoch ms), which scenario, and its status (0: no HTTP answer). */
export interface LoadSample {
  start: number;
  end: number;
  scenario: string;
  status: number;
}

type Scenario = { name: string; weight: number; request(config: LoadConfig): [string, RequestInit] };

const pick = <T>(items: T[]): T => items[randomInt(items.length)];
const json = (token: string, body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify(body),
});

const SCENARIOS: Scenario[] = [
  { name: 'list products', weight: 4, request: () => ['/api/v1/products?limit=5&sort=price', {}] },
  { name: 'product by id', weight: 3, request: (c) => [`/api/v1/products/${pick(c.productIds)}`, {}] },
  {
    name: 'me',
    weight: 1,
    request: (c) => ['/api/v1/auth/me', { headers: { authorization: `Bearer ${pick(c.tokens)}` } }],
  },
  {
    name: 'place order',
    weight: 2,
    request: (c) => [
      '/api/v1/orders',
      json(pick(c.tokens), { items: [{ productId: pick(c.productIds), quantity: 1 }] }),
    ],
  },
];
const WHEEL = SCENARIOS.flatMap((scenario) => Array<Scenario>(scenario.weight).fill(scenario));

export async function runLoad(config: LoadConfig): Promise<LoadSample[]> {
  const samples: LoadSample[] = [];
  const began = performance.now();
  const worker = async () => {
    while (performance.now() - began < config.durationMs) {
      const scenario = pick(WHEEL);
      const [path, init] = scenario.request(config);
      const start = Date.now();
      const status = await fetch(config.baseUrl + path, { ...init, signal: AbortSignal.timeout(10_000) }).then(
        async (response) => (await response.arrayBuffer(), response.status),
        () => 0,
      );
      samples.push({ start, end: Date.now(), scenario: scenario.name, status });
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  return samples;
}

if (require.main === module) {
  const [configFile, resultsFile] = process.argv.slice(2);
  runLoad(JSON.parse(readFileSync(configFile, 'utf8')) as LoadConfig).then((samples) =>
    writeFileSync(resultsFile, JSON.stringify(samples)),
  );
}
