import { HttpClient, ROOT, TEST_ADDRESS, waitFor } from '@shop/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The README's quick start, as a new user runs it: `npm start` with no database URL (every app on
// embedded PGlite), in a DATA_DIR that does not exist yet, beside a dev instance: every port 0, so
// each process binds one of its own and the ready line says where the shop and its mail catcher
// are. Only PATH comes from the test's environment.
jest.setTimeout(480_000);

let root: string;
let env: Record<string, string>;
let http: HttpClient;
let mailCatcher: HttpClient;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'shop-quick-start-'));
  env = {
    PATH: process.env.PATH!,
    ENV_FILE: '', // a .env in the checkout must not configure the test
    PORT: '0',
    DATA_DIR: join(root, 'fresh', '.data'),
    AUTH_SERVICE_URL: 'tcp://127.0.0.1:0',
    CATALOG_SERVICE_URL: 'tcp://127.0.0.1:0',
    ORDERS_SERVICE_URL: 'tcp://127.0.0.1:0',
    NOTIFICATIONS_SERVICE_URL: 'tcp://127.0.0.1:0',
    MAILDEV_SMTP_PORT: '0',
    MAILDEV_WEB_PORT: '0',
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'admin-password-1',
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
  const readyLine = /Shop is ready: (http:\/\/localhost:\d+)\/api\/v1\n[^]*Emails: (http:\/\/localhost:\d+)\n/;
  await Promise.race([
    waitFor('the ready line', async () => readyLine.test(output), 180_000),
    exit.then((code) => Promise.reject(new Error(`npm start exited with ${code}`))),
  ]).catch((error: Error) => {
    throw new Error(`${error.message}:\n${output.slice(-3000)}`);
  });
  const [, shop, mails] = readyLine.exec(output)!;
  http = new HttpClient(shop);
  mailCatcher = new HttpClient(mails);
  expect((await http.get('/health/ready')).status).toBe(200);
  // The friendly start: readable lines, no refused connections or stack traces, ready line last.
  expect(output).not.toMatch(/refused|ECONNREFUSED|WARN|ERROR|FATAL|^\s+at /m);
  expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  expect(output.trimEnd()).toMatch(
    /Shop is ready: [^]*Swagger UI: http:\/\/localhost:\d+\/docs\n[^]*Ctrl-C stops it\.$/,
  );
  return { child, output: () => output, exit };
}

/** Ctrl-C: SIGINT to start.mjs, which must stop every app it started and then exit 0 itself. */
async function ctrlC({ child, exit }: Started): Promise<void> {
  const apps = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim())
    .map(Number);
  // Five apps and the mail catcher.
  expect(apps).toHaveLength(6);
  child.kill('SIGINT');
  expect(await exit).toBe(0);
  for (const pid of apps) expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

const user = { email: 'ada@example.com', password: 'correct horse', name: 'Ada' };

it('serves the auth flow on embedded databases, stops on Ctrl-C, and keeps the data across a restart', async () => {
  const first = await npmStart();
  for (const app of ['auth', 'catalog', 'orders', 'notifications'])
    expect(existsSync(join(env.DATA_DIR, app, 'PG_VERSION'))).toBe(true);

  expect((await http.post('/api/v1/auth/register', user)).status).toBe(201);
  const login = await http.post('/api/v1/auth/login', { email: user.email, password: user.password });
  expect(login.status).toBe(200);
  const me = await http.get('/api/v1/auth/me', { token: login.body.accessToken });
  expect(me.status).toBe(200);
  expect(me.body).toEqual(expect.objectContaining({ email: user.email, role: 'customer' }));
  const refreshed = await http.post('/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
  expect(refreshed.status).toBe(200);
  expect((await http.post('/api/v1/auth/logout', { refreshToken: refreshed.body.refreshToken })).status).toBe(204);
  expect((await http.post('/api/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(401);

  // The verification and password-reset links reach the mail catcher; their tokens work.
  const linkIn = async (subject: string) => {
    const mails = async () =>
      ((await mailCatcher.get('/email')).body as { subject: string; text: string; to: { address: string }[] }[]).filter(
        (mail) => mail.subject === subject && mail.to[0].address === user.email,
      );
    await waitFor(`"${subject}" in the mail catcher`, async () => (await mails()).length === 1, 120_000);
    const link = new URL(/http:\/\/localhost:3000\/\S+/.exec((await mails())[0].text)?.[0] ?? '');
    return link.searchParams.get('token');
  };
  const verification = await linkIn('Shop: confirm your email address');
  expect((await http.post('/api/v1/auth/verify-email', { token: verification })).status).toBe(204);
  expect((await http.get('/api/v1/auth/me', { token: login.body.accessToken })).body.emailVerified).toBe(true);
  expect((await http.post('/api/v1/auth/password-reset', { email: user.email })).status).toBe(202);
  const reset = await linkIn('Shop: reset your password');
  expect(
    (await http.post('/api/v1/auth/password-reset/confirm', { token: reset, password: user.password })).status,
  ).toBe(204);

  await ctrlC(first);

  const second = await npmStart();
  const again = await http.post('/api/v1/auth/login', { email: user.email, password: user.password });
  expect(again.status).toBe(200);
  // Issued with the secret the first run generated into DATA_DIR: the restarted gateway accepts it.
  expect((await http.get('/api/v1/auth/me', { token: login.body.accessToken })).status).toBe(200);
  const duplicate = await http.post('/api/v1/auth/register', user);
  expect(duplicate.status).toBe(409);
  expect(duplicate.body.code).toBe('EMAIL_TAKEN');

  // Order, pay with the test card, ship as admin: the customer's three emails reach the mail catcher.
  const token = again.body.accessToken;
  const admin = (await http.post('/api/v1/auth/login', { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD })).body
    .accessToken;
  const product = await http.post(
    '/api/v1/products',
    { sku: 'COF-001', name: 'Espresso beans', price: 2490, currency: 'EUR', stock: 5 },
    { token: admin },
  );
  const order = await http.post(
    '/api/v1/orders',
    { items: [{ productId: product.body.id, quantity: 2 }], shippingAddress: TEST_ADDRESS },
    { token },
  );
  expect(order.status).toBe(201);
  const paid = await http.post(
    `/api/v1/orders/${order.body.id}/payments`,
    { paymentMethod: '4242 4242 4242 4242' },
    { token },
  );
  expect(paid.status).toBe(201);
  expect(
    (
      await http.patch(
        `/api/v1/orders/${order.body.id}/status`,
        { status: 'shipped', carrier: 'DHL', trackingNumber: 'JD1' },
        { token: admin },
      )
    ).status,
  ).toBe(200);
  const mailsOfOrder = async () =>
    ((await mailCatcher.get('/email')).body as { subject: string; to: { address: string }[] }[]).filter(
      (mail) => mail.subject.includes(order.body.id) && mail.to[0].address === user.email,
    );
  await waitFor('three emails in the mail catcher', async () => (await mailsOfOrder()).length === 3, 120_000);
  // A message is marked sent just after the SMTP server took it.
  const listed = () => http.get(`/api/v1/notifications?orderId=${order.body.id}`, { token: admin });
  await waitFor('the log to say sent', async () =>
    (await listed()).body.items.every((n: { status: string }) => n.status === 'sent'),
  );
  expect(
    (await listed()).body.items.map((n: { template: string; status: string }) => [n.template, n.status]).sort(),
  ).toEqual([
    ['order-paid', 'sent'],
    ['order-placed', 'sent'],
    ['order-shipped', 'sent'],
  ]);
  await ctrlC(second);
});
