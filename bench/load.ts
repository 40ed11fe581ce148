/**
 * One share of a scenario, driven by autocannon from its own process so the orchestrator does not
 * compete with it (run.ts starts several at once and merges them, see load-merge.ts).
 * argv[2]: a file holding a {@link LoadSpec} as JSON (too large for an argument with a thousand
 * tokens). Prints a {@link LoadResult} as JSON on stdout.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** One kind of request; each request takes one at random. */
export interface Variant {
  path: string;
  token?: string;
  body?: string;
}

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds; or `amount` requests in all. */
  duration?: number;
  amount?: number;
  method: 'GET' | 'POST';
  variants: Variant[];
  /** A fresh Idempotency-Key on every request. */
  idempotencyKey?: boolean;
  /** Collect the `id` of every 201's body (placed orders). */
  collectCreatedIds?: boolean;
}

export interface LoadResult {
  /** Requests that got an HTTP answer. */
  requests: number;
  /** Requests sent, answered or not (at the end, those still in flight are abandoned, though the server goes on with them). */
  sent: number;
  /** Seconds the load ran. */
  seconds: number;
  /** Latency in tenths of a millisecond → how many answers took that long. */
  histogram: Record<string, number>;
  statuses: Record<string, number>;
  /** Socket errors and timeouts: requests that never got an HTTP answer. */
  errors: number;
  createdIds: string[];
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

function run(spec: LoadSpec): Promise<LoadResult> {
  const histogram: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const createdIds: string[] = [];
  let requests = 0;
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
            setupRequest: (request: Record<string, unknown>) => {
              const variant = pick(spec.variants);
              return {
                ...request,
                path: variant.path,
                headers: {
                  ...(variant.body ? { 'content-type': 'application/json' } : {}),
                  ...(variant.token ? { authorization: `Bearer ${variant.token}` } : {}),
                  ...(spec.idempotencyKey ? { 'idempotency-key': randomUUID() } : {}),
                },
                body: variant.body,
              };
            },
            ...(spec.collectCreatedIds
              ? {
                  onResponse: (status: number, body: string) => {
                    if (status === 201) createdIds.push((JSON.parse(body) as { id: string }).id);
                  },
                }
              : {}),
          },
        ],
      },
      // autocannon's `errors` already includes its `timeouts`.
      (error: Error | null, result: { duration: number; errors: number; requests: { sent: number } }) => {
        if (error) return reject(error);
        resolve({
          requests,
          sent: result.requests.sent,
          seconds: result.duration,
          histogram,
          statuses,
          errors: result.errors,
          createdIds,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      requests++;
      const bucket = Math.round(responseTime * 10);
      histogram[bucket] = (histogram[bucket] ?? 0) + 1;
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
