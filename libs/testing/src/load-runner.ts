/**
 * A steady mixed load on the gateway, from its own process (so the test's process measuring it
 * is not the one competing for the CPU). Run with `node -r tools/register.cjs load-runner.ts
 * <config.json> <results.json>`; it stops by itself after `durationMs`, or earlier when its
 * parent sends it `'stop'`, and sends its parent each sample as its request ends.
 */
import { TEST_ADDRESS } from './accounts';
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export interface LoadConfig {
  baseUrl: string;
  durationMs: number;
  concurrency: number;
  tokens: string[];
  productIds: string[];
  /** Only these scenarios (by name); all of them by default. */
  scenarios?: string[];
}

/**
 * One request: when it started and ended (epoch ms), which scenario, its status (0: no HTTP
 * answer, `error` says why: the cause's code, e.g. ECONNREFUSED) and the X-Request-Id it was
 * sent with, which every log line about it carries in every process. A placed order also
 * records its Idempotency-Key and, when it got a 201, the order's id.
 */
export interface LoadSample {
  start: number;
  end: number;
  scenario: string;
  status: number;
  requestId: string;
  error?: string;
  idempotencyKey?: string;
  orderId?: string;
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
    // Each with its own Idempotency-Key, so an order placed by a request that then failed can
    // be told from one nobody asked for.
    request: (c) => {
      const init = json(pick(c.tokens), {
        items: [{ productId: pick(c.productIds), quantity: 1 }],
        shippingAddress: TEST_ADDRESS,
      });
      return ['/api/v1/orders', { ...init, headers: { ...init.headers, 'idempotency-key': randomUUID() } }];
    },
  },
];

/** The cause's code (ECONNREFUSED, UND_ERR_SOCKET, …) or name of a fetch that got no answer. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; name?: string } }).cause;
  return cause?.code ?? cause?.name ?? (error as Error).name;
}

/** `stopped` ends the load early; `onSample` hears of each request as it ends. */
export async function runLoad(
  config: LoadConfig,
  {
    stopped = () => false,
    onSample = () => undefined,
  }: { stopped?: () => boolean; onSample?: (sample: LoadSample) => void } = {},
): Promise<LoadSample[]> {
  const chosen = SCENARIOS.filter((scenario) => !config.scenarios || config.scenarios.includes(scenario.name));
  const wheel = chosen.flatMap((scenario) => Array<Scenario>(scenario.weight).fill(scenario));
  const samples: LoadSample[] = [];
  const run = randomUUID().slice(0, 8);
  let sent = 0;
  const began = performance.now();
  const worker = async () => {
    while (!stopped() && performance.now() - began < config.durationMs) {
      const scenario = pick(wheel);
      const [path, init] = scenario.request(config);
      const requestId = `load-${run}-${sent++}`;
      const headers: Record<string, string> = {
        ...(init.headers as Record<string, string>),
        'x-request-id': requestId,
      };
      const sample: LoadSample = { start: Date.now(), end: 0, scenario: scenario.name, status: 0, requestId };
      if (headers['idempotency-key']) sample.idempotencyKey = headers['idempotency-key'];
      await fetch(config.baseUrl + path, { ...init, headers, signal: AbortSignal.timeout(10_000) }).then(
        async (response) => {
          const body = await response.text();
          sample.status = response.status;
          if (scenario.name === 'place order' && response.status === 201) sample.orderId = JSON.parse(body).id;
        },
        (error: unknown) => (sample.error = reasonOf(error)),
      );
      sample.end = Date.now();
      samples.push(sample);
      onSample(sample);
      // A client with no answer backs off briefly instead of spinning on a closed port.
      if (sample.status === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  return samples;
}

if (require.main === module) {
  const [configFile, resultsFile] = process.argv.slice(2);
  let stopping = false;
  process.on('message', (message) => (stopping ||= message === 'stop'));
  // The channel to the parent alone must not keep this process alive once the load is done.
  process.channel?.unref();
  void runLoad(JSON.parse(readFileSync(configFile, 'utf8')) as LoadConfig, {
    stopped: () => stopping,
    onSample: (sample) => process.send?.(sample),
  }).then((samples) => writeFileSync(resultsFile, JSON.stringify(samples)));
}
