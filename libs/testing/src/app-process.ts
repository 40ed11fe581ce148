import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './net';

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

/** The line every app writes once it listens: `Listening on tcp://127.0.0.1:4002` (or http://). */
const LISTENING = /"msg":"Listening on (?:tcp|http):\/\/[^"]+?:(\d+)"/;

/**
 * Resolves with the port `child` reports it listens on (it binds its own, with PORT=0, so no
 * other process can take the port between choosing and binding it); rejects with its last output
 * if it exits first.
 */
export async function untilReported(id: string, child: ChildProcess, output: () => string): Promise<number> {
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${id} exited with ${code}:\n${output().slice(-3000)}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitFor(`${id} to listen`, async () => LISTENING.test(output()), 120_000), exited]);
  return Number(LISTENING.exec(output())![1]);
}

function spawnApp(name: string, env: Record<string, string>): AppProcess {
  const child = spawnAppChild(name, env, 'pipe');
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // 'close', not 'exit': only then has everything the app wrote been read from its pipes.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
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

/** Spawns an app on a port of its own choosing and resolves with it once it listens; rejects with its output if it exits first. */
export async function startAppProcess(
  name: string,
  env: Record<string, string>,
): Promise<AppProcess & { port: number }> {
  const app = spawnApp(name, { ...env, PORT: '0' });
  try {
    return { ...app, port: await untilReported(name, app.child, app.output) };
  } catch (error) {
    await app.stop('SIGKILL');
    throw error;
  }
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
