/** The bench's results as markdown, ready for the README's Performance section. */
import type { OrderCheck } from './checks';
import { BACKEND_APPS, COUNTED_APPS, type Counts, type summarize } from './counts';
import type { Measured } from './drive';
import type { PgbenchResult } from './pgbench-order';
import type { ProfileSummary } from './profile-summary';

export interface Row extends Omit<Measured, 'createdIds'> {
  scenario: string;
  /** Summed over the apps, per request. */
  cost: ReturnType<typeof summarize>;
  /** Every counter, per request and per process (`orders.rpc.catalog`, `catalog.sql.commits`, …). */
  counted: Counts;
  /** The median round's ceiling (the mean of those measured just before and after it) and ratio. */
  ceiling?: { name: string; value: number };
  ratio?: number;
  /** Every round's req/s and ratio; the other figures are the median round's. */
  rounds: { requestsPerSecond: number; ratio?: number }[];
  target?: string;
  pass?: boolean;
}

/** Every measurement of each ceiling, in order: before a scenario's first round and after each round. */
export interface Ceilings {
  /** Bare node:http req/s with each read scenario's bytes. */
  bare: Record<string, number[]>;
  pgbench?: Record<'single' | 'saga', PgbenchResult>[];
  argon2?: { verificationsPerSecond: number; threadpool: number }[];
}

export interface Report {
  machine: {
    cpus: number;
    cpu?: string;
    memoryGiB: number;
    node: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  rows: Row[];
  ceilings: Ceilings;
  checks: Record<string, OrderCheck>;
  countCheck: { app: string; client: number; server: number }[];
  profiles: Record<string, ProfileSummary>;
}

const statuses = (row: Row) =>
  Object.entries(row.statuses)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, count]) => `${count}×${status}`)
    .join(', ');

export function report({ machine, rows, ceilings, checks, countCheck, profiles }: Report): void {
  const out = (line = '') => console.log(line);
  out(
    `\nMachine: ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; ` +
      `load average ${machine.loadAverageBefore.join(' / ')} before, ${machine.loadAverageAfter.join(' / ')} after.`,
  );
  out('\n| Scenario | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors | ceiling | ratio | target | pass |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const row of rows) {
    const { p50, p95, p99 } = row.latencyMs;
    const non2xx = row.non2xx ? `${row.non2xx} (${statuses(row)})` : '0';
    const ceiling = row.ceiling ? `${row.ceiling.value} (${row.ceiling.name})` : '';
    const pass = row.pass === undefined ? '' : row.pass ? 'yes' : '**no**';
    out(
      `| ${row.scenario} | ${row.requestsPerSecond} | ${p50} | ${p95} | ${p99} | ${non2xx} | ${row.socketErrors} | ${ceiling} | ${row.ratio ?? ''} | ${row.target ?? ''} | ${pass} |`,
    );
  }

  out('\nPer request, counted (less what the apps do when idle):\n');
  out(
    `| Scenario | gateway→app calls | app→app calls | Redis round trips | SQL statements (${BACKEND_APPS.join(' / ')}) | commits (${BACKEND_APPS.join(' / ')}) | CPU ms (${COUNTED_APPS.join(' / ')}) |`,
  );
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const { scenario, cost } of rows) {
    const per = (what: 'statements' | 'commits') => BACKEND_APPS.map((app) => cost.sql[app][what]).join(' / ');
    const cpu = Object.values(cost.cpuMs).join(' / ');
    out(
      `| ${scenario} | ${cost.gatewayRpcs} | ${cost.appRpcs} | ${cost.redisRoundTrips} | ${per('statements')} | ${per('commits')} | ${cpu} |`,
    );
  }

  out("\nEach scenario's rounds (req/s, ratio), the median round's in the table above:");
  for (const row of rows)
    out(
      `- ${row.scenario}: ${row.rounds.map((r) => (r.ratio === undefined ? r.requestsPerSecond : `${r.requestsPerSecond} (${r.ratio})`)).join(', ')}`,
    );

  out('\nCeilings, same run, in order: before the first round and after each:');
  const around = (values: number[]) => values.join(' → ');
  for (const [scenario, rps] of Object.entries(ceilings.bare))
    out(`- bare node:http with the bytes of "${scenario}": ${around(rps)} req/s`);
  if (ceilings.pgbench) {
    const of = (script: 'single' | 'saga', what: 'ordersPerSecond' | 'latencyAverageMs') =>
      around(ceilings.pgbench!.map((result) => result[script][what]));
    out(
      `- pgbench, 50 clients, 5 hot rows: ${of('single', 'ordersPerSecond')} orders/s in one transaction each (${of('single', 'latencyAverageMs')} ms), ${of('saga', 'ordersPerSecond')} in three commits (${of('saga', 'latencyAverageMs')} ms)`,
    );
  }
  if (ceilings.argon2)
    out(
      `- argon2id verifications, one process (${ceilings.argon2[0].threadpool} libuv threads): ${around(ceilings.argon2.map((c) => c.verificationsPerSecond))}/s`,
    );

  out('\nChecks:');
  for (const [scenario, check] of Object.entries(checks))
    out(
      `- ${scenario}: ${check.ok ? 'ok' : '**FAILED**'}: ${check.unitsLeft} units left + ${check.unitsInOrders} in orders = ${check.unitsLeft + check.unitsInOrders} of ${check.initialUnits}; ` +
        `${check.created} × 201, ${check.lost} of them missing from the orders database; ${check.withoutAnswer} orders without a 201 (${check.noAnswer} requests unanswered)`,
    );
  out(
    `- commits counted by the apps (statements outside a transaction, COMMITs, connections opened) vs pg_stat_database's xact_commit over the scenarios (which also has autovacuum's): ${countCheck.map((c) => `${c.app} ${c.client} vs ${c.server}`).join('; ')}`,
  );

  for (const [file, summary] of Object.entries(profiles)) {
    out(`\nCPU profile ${file} (${summary.totalMs} ms busy)`);
    for (const { area, percent } of summary.byArea) out(`  ${percent.toFixed(1).padStart(5)} %  ${area}`);
    out('  top functions (self time):');
    for (const { name, percent } of summary.topFunctions) out(`  ${percent.toFixed(1).padStart(5)} %  ${name}`);
  }
}
