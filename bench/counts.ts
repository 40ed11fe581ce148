/**
 * What a request costs in round trips, counted: calls between processes from the apps' own
 * Prometheus metrics (`rpc_client_duration_seconds_count` by service: the gateway's are
 * gateway→app, an app's are app→app), SQL statements, commits and Redis round trips from the
 * client-side counters bench/counters.cjs adds to every app, CPU time from each app's
 * `process_cpu_seconds_total` (all its threads: argon2's included). A scenario's cost is the difference
 * of two snapshots, less what the processes do on their own when idle (outbox polls, probes),
 * divided by the requests sent (those still in flight when the load stops are served all the same).
 */
import type { AppName, TestSystem } from '@shop/testing';

/** The apps behind the gateway, each with a database of its own. */
export const BACKEND_APPS = ['auth', 'catalog', 'orders', 'notifications'] as const satisfies readonly AppName[];
export const COUNTED_APPS = ['gateway', ...BACKEND_APPS] as const;
type CountedApp = (typeof COUNTED_APPS)[number];

/** Flat counters, e.g. `gateway.rpc.catalog`, `orders.sql.commits`, `catalog.redis.roundTrips`. */
export type Counts = Record<string, number>;

interface ProcessCounters {
  connects: number;
  sql: Record<string, { statements: number; commits: number; rollbacks: number }>;
  redis: { commands: number; roundTrips: number };
}

/** Where each app serves its metrics and its bench counters. */
export interface CountSources {
  metrics: Record<CountedApp, string>;
  counters: Record<CountedApp, string>;
}

export function countSources(system: TestSystem): CountSources {
  const countersOf = (app: CountedApp) => {
    const found = /Bench counters on (http:\/\/[^ "]+)/.exec(system.logs(app));
    if (!found) throw new Error(`${app} did not load bench/counters.cjs`);
    return found[1];
  };
  return {
    metrics: {
      gateway: `${system.baseUrl}/metrics`,
      ...(Object.fromEntries(
        BACKEND_APPS.map((app) => [app, `http://127.0.0.1:${system.healthPort(app)}/metrics`]),
      ) as Record<(typeof BACKEND_APPS)[number], string>),
    },
    counters: Object.fromEntries(COUNTED_APPS.map((app) => [app, countersOf(app)])) as Record<CountedApp, string>,
  };
}

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

/** Calls this process made to each app, by the `service` label of rpc_client_duration_seconds_count. */
function rpcCalls(metrics: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [, labels, value] of metrics.matchAll(/^rpc_client_duration_seconds_count\{([^}]*)\} (\S+)$/gm)) {
    const service = /service="([^"]+)"/.exec(labels)?.[1] ?? '?';
    calls[service] = (calls[service] ?? 0) + Number(value);
  }
  return calls;
}

/** Requests the gateway answered, but for the bench's own scrapes of /metrics. */
function httpRequests(metrics: string): number {
  let total = 0;
  for (const [, labels, value] of metrics.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\S+)$/gm))
    if (!labels.includes('route="/metrics"')) total += Number(value);
  return total;
}

export async function snapshot(sources: CountSources): Promise<Counts> {
  const counts: Counts = {};
  await Promise.all(
    COUNTED_APPS.map(async (app) => {
      const [metrics, counters] = await Promise.all([
        text(sources.metrics[app]),
        text(sources.counters[app]).then((body) => JSON.parse(body) as ProcessCounters),
      ]);
      for (const [service, calls] of Object.entries(rpcCalls(metrics))) counts[`${app}.rpc.${service}`] = calls;
      if (app === 'gateway') counts['gateway.http'] = httpRequests(metrics);
      // prom-client's default metric, in seconds: counted here in milliseconds.
      const cpu = /^process_cpu_seconds_total (\S+)$/m.exec(metrics);
      if (cpu) counts[`${app}.cpuMs`] = Number(cpu[1]) * 1000;
      // Each app talks to its own database only; several pools to it add up.
      for (const database of Object.values(counters.sql))
        for (const [what, n] of Object.entries(database))
          counts[`${app}.sql.${what}`] = (counts[`${app}.sql.${what}`] ?? 0) + n;
      counts[`${app}.sql.connects`] = counters.connects;
      counts[`${app}.redis.commands`] = counters.redis.commands;
      counts[`${app}.redis.roundTrips`] = counters.redis.roundTrips;
    }),
  );
  return counts;
}

/**
 * A snapshot taken once the requests still in flight when the load generator stopped have been
 * served: the generator stops waiting for them, the system does not. Done when the gateway has
 * answered `sent` requests since `before`, or when its answers and calls stop changing (a request
 * whose client went away is not counted as answered).
 */
export async function settledSnapshot(sources: CountSources, before: Counts, sent: number): Promise<Counts> {
  const gatewayWork = (counts: Counts) =>
    Object.entries(counts)
      .filter(([key]) => key.startsWith('gateway.'))
      .reduce((sum, [, n]) => sum + n, 0);
  const until = Date.now() + 15_000;
  let last = await snapshot(sources);
  for (;;) {
    if (last['gateway.http'] - before['gateway.http'] >= sent || Date.now() > until) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
    const counts = await snapshot(sources);
    if (gatewayWork(counts) === gatewayWork(last)) return counts;
    last = counts;
  }
}

/** Per counter, `op` of its two values (a counter missing on one side is 0 there). */
function combine(a: Counts, b: Counts, op: (x: number, y: number) => number): Counts {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return Object.fromEntries([...keys].map((key) => [key, op(a[key] ?? 0, b[key] ?? 0)]));
}

export const difference = (after: Counts, before: Counts): Counts => combine(after, before, (x, y) => x - y);

export const sum = (a: Counts, b: Counts): Counts => combine(a, b, (x, y) => x + y);

/** Per counter, the smaller of the two. */
export const lesser = (a: Counts, b: Counts): Counts => combine(a, b, Math.min);

/** What a request cost: `delta` less `idlePerSecond` over `seconds`, per request, two decimals. */
export function perRequest(delta: Counts, idlePerSecond: Counts, seconds: number, requests: number): Counts {
  return Object.fromEntries(
    Object.entries(delta)
      .map(([key, n]) => [key, Math.max(0, n - (idlePerSecond[key] ?? 0) * seconds) / Math.max(1, requests)] as const)
      .map(([key, n]) => [key, Math.round(n * 100) / 100] as const)
      .filter(([, n]) => n > 0),
  );
}

export const scale = (counts: Counts, factor: number): Counts =>
  Object.fromEntries(Object.entries(counts).map(([key, n]) => [key, n * factor]));

/** The cost summed over apps: gateway→app and app→app calls, Redis round trips; per app its CPU time and its database's statements and commits. */
export function summarize(cost: Counts) {
  const sum = (match: (key: string) => boolean) =>
    Math.round(
      Object.entries(cost)
        .filter(([key]) => match(key))
        .reduce((total, [, n]) => total + n, 0) * 100,
    ) / 100;
  return {
    gatewayRpcs: sum((key) => key.startsWith('gateway.rpc.')),
    appRpcs: sum((key) => !key.startsWith('gateway.') && key.includes('.rpc.')),
    redisRoundTrips: sum((key) => key.endsWith('.redis.roundTrips')),
    cpuMs: Object.fromEntries(COUNTED_APPS.map((app) => [app, cost[`${app}.cpuMs`] ?? 0])),
    sql: Object.fromEntries(
      BACKEND_APPS.map((app) => [
        app,
        { statements: cost[`${app}.sql.statements`] ?? 0, commits: cost[`${app}.sql.commits`] ?? 0 },
      ]),
    ),
  };
}
