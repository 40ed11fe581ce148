/**
 * Drives one scenario from several autocannon processes at once (bench/load.ts), splitting the
 * connections between them, and merges what they measured. One autocannon process tops out
 * below what a bare node:http server answers on two cores, so the ceiling would measure the
 * load generator instead of the server.
 */
import { spawn } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult, LoadSpec } from './load';

const ROOT = join(__dirname, '..');

/** Load generator processes per scenario; BENCH_LOADERS overrides (see the README's Performance section). */
export const LOADERS = Number(process.env.BENCH_LOADERS ?? 2);

export interface Measured {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  statuses: Record<string, number>;
  /** Answers other than 2xx. */
  non2xx: number;
  /** Requests that got no answer at all (socket errors, timeouts). */
  socketErrors: number;
  /** Requests sent, answered or not: what the system did work for. */
  sent: number;
  createdIds: string[];
}

function loadProcess(spec: LoadSpec, share: number): Promise<LoadResult> {
  const file = join(__dirname, 'results', `.spec-${process.pid}-${share}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/register.cjs'), join(__dirname, 'load.ts'), file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => {
      unlinkSync(file);
      if (code === 0) resolve(JSON.parse(out) as LoadResult);
      else reject(new Error(`load exited ${code}`));
    });
  });
}

function percentile(histogram: Map<number, number>, total: number, p: number): number {
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const [tenths, count] of [...histogram].sort((a, b) => a[0] - b[0])) {
    seen += count;
    if (seen >= rank) return tenths / 10;
  }
  return 0;
}

/** `spec` split over `loaders` processes: connections (and `amount`) divided, results merged. */
export async function drive(spec: LoadSpec, loaders = LOADERS): Promise<Measured> {
  const n = Math.max(1, Math.min(loaders, spec.connections));
  const shares = Array.from({ length: n }, (_, i) => ({
    ...spec,
    connections: Math.floor(spec.connections / n) + (i < spec.connections % n ? 1 : 0),
    ...(spec.amount ? { amount: Math.floor(spec.amount / n) + (i < spec.amount % n ? 1 : 0) } : {}),
  }));
  const results = await Promise.all(shares.map((share, i) => loadProcess(share, i)));
  const histogram = new Map<number, number>();
  const statuses: Record<string, number> = {};
  for (const result of results) {
    for (const [tenths, count] of Object.entries(result.histogram))
      histogram.set(Number(tenths), (histogram.get(Number(tenths)) ?? 0) + count);
    for (const [status, count] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  }
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  // The processes ran side by side: their rates add up over the longest one's time.
  const seconds = Math.max(...results.map((r) => r.seconds));
  return {
    requests,
    requestsPerSecond: Math.round(requests / seconds),
    latencyMs: {
      p50: percentile(histogram, requests, 50),
      p95: percentile(histogram, requests, 95),
      p99: percentile(histogram, requests, 99),
    },
    statuses,
    non2xx: Object.entries(statuses)
      .filter(([status]) => !status.startsWith('2'))
      .reduce((sum, [, count]) => sum + count, 0),
    socketErrors: results.reduce((sum, r) => sum + r.errors, 0),
    sent: results.reduce((sum, r) => sum + r.sent, 0),
    createdIds: results.flatMap((r) => r.createdIds),
  };
}
