/**
 * One scenario, driven by autocannon from its own process so the orchestrator does not compete
 * with it. argv[2]: a file holding a {@link LoadSpec} as JSON (too large for an argument with a
 * thousand tokens). Prints a {@link LoadResult} as JSON on stdout.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds; or `amount` requests in all. */
  duration?: number;
  amount?: number;
  method: 'GET' | 'POST';
  /** Each request takes one at random, as it does each of `bodies` and `tokens`. */
  paths: string[];
  bodies?: string[];
  tokens?: string[];
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  statuses: Record<string, number>;
  non2xx: number;
  errors: number;
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? Math.round(10 * sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]) / 10
    : 0;

function run(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        // autocannon refuses an explicit undefined.
        ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration }),
        requests: [
          {
            method: spec.method,
            setupRequest: (request: Record<string, unknown>) => ({
              ...request,
              path: pick(spec.paths),
              headers: {
                ...(spec.bodies ? { 'content-type': 'application/json' } : {}),
                ...(spec.tokens ? { authorization: `Bearer ${pick(spec.tokens)}` } : {}),
              },
              body: spec.bodies ? pick(spec.bodies) : undefined,
            }),
          },
        ],
      },
      (error: Error | null, result: { duration: number; errors: number; timeouts: number }) => {
        if (error) return reject(error);
        // Our own record of every response: autocannon's summary has no p95.
        latencies.sort((a, b) => a - b);
        const non2xx = Object.entries(statuses)
          .filter(([status]) => !status.startsWith('2'))
          .reduce((sum, [, count]) => sum + count, 0);
        resolve({
          requests: latencies.length,
          requestsPerSecond: Math.round(latencies.length / result.duration),
          latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
          statuses,
          non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

run(JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
