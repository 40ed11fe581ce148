import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessToken, newCustomer, TEST_ADMIN } from './accounts';
import { REGISTER, ROOT } from './app-process';
import type { LoadConfig, LoadSample } from './load-runner';
import { waitFor } from './net';
import type { TestSystem } from './test-system';

/** Five products with `stock` units each and five customers, for {@link runLoadInAnotherProcess}. */
export async function seedLoadTarget(
  system: TestSystem,
  stock: number,
): Promise<Pick<LoadConfig, 'tokens' | 'productIds'>> {
  const admin = await accessToken(system, TEST_ADMIN);
  const productIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const created = await system.http.post(
      '/api/v1/products',
      { sku: `LOAD-${randomUUID().slice(0, 8)}`, name: `Load ${i}`, price: 100 + i, stock },
      { token: admin },
    );
    productIds.push(created.body.id);
  }
  const tokens = await Promise.all(Array.from({ length: 5 }, async () => (await newCustomer(system)).token));
  return { tokens, productIds };
}

export interface LoadRun {
  /** The requests that ended so far, each reported by the load's process as it ends. */
  readonly samples: LoadSample[];
  /**
   * Resolves once the samples so far satisfy `enough`: what a test awaits, instead of sleeping,
   * before it injects a fault into a load that a busy machine may have been slow to start.
   */
  until(what: string, enough: (samples: LoadSample[]) => boolean): Promise<void>;
  /** Ends the load before its `durationMs` (requests in flight finish); resolves as {@link finished}. */
  stop(): Promise<LoadSample[]>;
  /** Every sample, once the load has ended. */
  finished: Promise<LoadSample[]>;
}

/** Runs load-runner.ts in a child process, which reports each request as it ends. */
export function runLoadInAnotherProcess(config: LoadConfig): LoadRun {
  const dir = join(ROOT, 'tmp', `load-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(
    process.execPath,
    ['-r', REGISTER, join(__dirname, 'load-runner.ts'), join(dir, 'config.json'), join(dir, 'results.json')],
    { cwd: ROOT, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] },
  );
  const samples: LoadSample[] = [];
  child.on('message', (sample: LoadSample) => samples.push(sample));
  const finished = new Promise<LoadSample[]>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')))
        : reject(new Error(`load exited with ${code}`)),
    ),
  );
  return {
    samples,
    until: (what, enough) => waitFor(what, async () => enough(samples), 60_000),
    stop: () => {
      if (child.connected) child.send('stop');
      return finished;
    },
    finished,
  };
}
