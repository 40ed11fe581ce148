import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { canConnect, waitFor } from './net';

export const ROOT = join(__dirname, '../../..');
export const REGISTER = join(ROOT, 'tools/register.cjs');

/** One app run from its TypeScript entry point, outside any {@link TestSystem}, its output captured. */
export interface AppProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * An app's entry point in a process of its own, writing to pipes or to a file descriptor. Only
 * PATH is inherited: the test's own environment must not configure the app by accident.
 */
export function spawnAppChild(name: string, env: Record<string, string>, out: 'pipe' | number): ChildProcess {
  return spawn(process.execPath, ['-r', REGISTER, join(ROOT, `apps/${name}/src/main.ts`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', out, out],
  });
}

/** Resolves once `child` accepts connections on `port`; rejects with its last output if it exits first. */
export async function untilListening(id: string, child: ChildProcess, port: number, output: () => string) {
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${id} exited with ${code}:\n${output().slice(-3000)}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitFor(`${id} on port ${port}`, () => canConnect(port), 60_000), exited]);
}

function spawnApp(name: string, env: Record<string, string>): AppProcess {
  const child = spawnAppChild(name, env, 'pipe');
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Spawns an app and resolves once it accepts connections on `port`; rejects with its output if it exits first. */
export async function startAppProcess(name: string, port: number, env: Record<string, string>): Promise<AppProcess> {
  const app = spawnApp(name, { ...env, PORT: String(port) });
  try {
    await untilListening(name, app.child, port, app.output);
  } catch (error) {
    await app.stop('SIGKILL');
    throw error;
  }
  return app;
}

/** Runs an app's entry point to its exit, for start-up checks that must fail. */
export async function runUntilExit(
  name: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const app = spawnApp(name, env);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      app.child.kill('SIGKILL');
      reject(new Error(`${name} did not exit within ${timeoutMs} ms:\n${app.output()}`));
    }, timeoutMs);
  });
  try {
    const code = await Promise.race([app.exited, timeout]);
    return { code, output: app.output() };
  } finally {
    clearTimeout(timer);
  }
}
