/**
 * What the scenarios are measured against, taken in the same run on the same machine:
 * a bare node:http server answering the same bytes (bare-server.ts), PostgreSQL committing the
 * order the way checkout could at best (pgbench-order.ts), and argon2id verifications in one
 * process at auth's cost (argon2-ceiling.ts).
 */
import { spawn } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drive } from './drive';

const ROOT = join(__dirname, '..');

/** A TypeScript file of this directory in a process of its own; resolves with its stdout's first line and the process. */
export function spawnScript(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'tools/register.cjs'), join(__dirname, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const exited = new Promise<string>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}`)))),
  );
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('\n') && resolve(out.slice(0, out.indexOf('\n'))));
    exited.catch(reject);
  });
  return { child, firstLine, exited };
}

/** A bare node:http server answering each of `payloads` at its path, driven like the scenarios. */
export interface BareServer {
  /** Req/s of the server answering `path`'s payload. */
  measure(path: string, load: { connections: number; duration: number }): Promise<number>;
  stop(): void;
}

export async function startBareServer(payloads: Record<string, string>): Promise<BareServer> {
  const file = join(__dirname, 'results', `.payloads-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(payloads));
  const server = spawnScript('bare-server.ts', [file]);
  try {
    const url = `http://127.0.0.1:${(await server.firstLine).trim()}`;
    return {
      measure: async (path, load) =>
        (await drive({ url, ...load, method: 'GET', variants: [{ path }] })).requestsPerSecond,
      stop: () => server.child.kill(),
    };
  } catch (error) {
    server.child.kill();
    throw error;
  } finally {
    unlinkSync(file);
  }
}
