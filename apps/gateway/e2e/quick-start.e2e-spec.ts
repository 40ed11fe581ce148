import { bearer, createShopClient, type ShopClient } from '@shop/api-client';
import { freePort, ROOT, waitFor } from '@shop/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The README's quick start, as a new user runs it: `npm start` with no database URL (every app on
// embedded PGlite), in a DATA_DIR that does not exist yet, on ports of its own so it runs beside
// a dev instance. Only PATH comes from the test's environment.
jest.setTimeout(480_000);

let root: string;
let env: Record<string, string>;
/** The typed client generated from openapi.json: what a new user's own code would use. */
let api: ShopClient;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'shop-quick-start-'));
  const port = await freePort();
  api = createShopClient(`http://127.0.0.1:${port}`);
  env = {
    PATH: process.env.PATH!,
    ENV_FILE: '', // a .env in the checkout must not configure the test
    PORT: String(port),
    DATA_DIR: join(root, 'fresh', '.data'),
    AUTH_SERVICE_URL: `tcp://127.0.0.1:${await freePort()}`,
    CATALOG_SERVICE_URL: `tcp://127.0.0.1:${await freePort()}`,
    ORDERS_SERVICE_URL: `tcp://127.0.0.1:${await freePort()}`,
  };
});
afterAll(() => {
  // Whatever a failed test left running: the whole process group of each start.mjs.
  for (const child of running) if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

async function npmStart(): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so afterAll can clean up after a failure
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyLine = `Shop is ready: http://localhost:${env.PORT}/api/v1`;
  await Promise.race([
    waitFor('the ready line', async () => output.includes(readyLine), 180_000),
    exit.then((code) => Promise.reject(new Error(`npm start exited with ${code}`))),
  ]).catch((error: Error) => {
    throw new Error(`${error.message}:\n${output.slice(-3000)}`);
  });
  expect((await api.GET('/health/ready')).response.status).toBe(200);
  // The friendly start: readable lines, no refused connections or stack traces, ready line last.
  expect(output).not.toMatch(/refused|ECONNREFUSED|WARN|ERROR|FATAL|^\s+at /m);
  expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  expect(output.trimEnd()).toMatch(
    /Shop is ready: [^]*Swagger UI: +http:\/\/localhost:\d+\/docs\n[^]*Ctrl-C stops it\.$/,
  );
  return { child, output: () => output, exit };
}

/** Ctrl-C: SIGINT to start.mjs, which must stop every app it started and then exit 0 itself. */
async function ctrlC({ child, exit }: Started): Promise<void> {
  const apps = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim())
    .map(Number);
  expect(apps).toHaveLength(4);
  child.kill('SIGINT');
  expect(await exit).toBe(0);
  for (const pid of apps) expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

const user = { email: 'ada@example.com', password: 'correct horse', name: 'Ada' };

it('serves the auth flow on embedded databases, stops on Ctrl-C, and keeps the data across a restart', async () => {
  const first = await npmStart();
  for (const app of ['auth', 'catalog', 'orders']) expect(existsSync(join(env.DATA_DIR, app, 'PG_VERSION'))).toBe(true);

  expect((await api.POST('/api/v1/auth/register', { body: user })).response.status).toBe(201);
  const login = await api.POST('/api/v1/auth/login', { body: { email: user.email, password: user.password } });
  expect(login.response.status).toBe(200);
  const tokens = login.data!;
  const me = await api.GET('/api/v1/auth/me', { headers: bearer(tokens.accessToken) });
  expect(me.response.status).toBe(200);
  expect(me.data).toEqual(expect.objectContaining({ email: user.email, role: 'customer' }));
  const refreshed = await api.POST('/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
  expect(refreshed.response.status).toBe(200);
  const { refreshToken } = refreshed.data!;
  expect((await api.POST('/api/v1/auth/logout', { body: { refreshToken } })).response.status).toBe(204);
  expect((await api.POST('/api/v1/auth/refresh', { body: { refreshToken } })).response.status).toBe(401);

  await ctrlC(first);

  const second = await npmStart();
  const again = await api.POST('/api/v1/auth/login', { body: { email: user.email, password: user.password } });
  expect(again.response.status).toBe(200);
  // Issued with the secret the first run generated into DATA_DIR: the restarted gateway accepts it.
  expect((await api.GET('/api/v1/auth/me', { headers: bearer(tokens.accessToken) })).response.status).toBe(200);
  const duplicate = await api.POST('/api/v1/auth/register', { body: user });
  expect(duplicate.response.status).toBe(409);
  expect(duplicate.error?.code).toBe('EMAIL_TAKEN');
  await ctrlC(second);
});
