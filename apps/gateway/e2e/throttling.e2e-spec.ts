import { randomUUID } from 'node:crypto';
import { HttpClient, TestSystem } from '@shop/testing';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'throttling',
    env: { gateway: { AUTH_THROTTLE_LIMIT: '3', THROTTLE_LIMIT: '8', TRUSTED_PROXIES: '127.0.0.1' } },
  });
});
afterAll(() => system?.stop());

/** Each test speaks from its own addresses, as the trusted proxy in front of the gateway says. */
let lastOctet = 0;
const newClientIp = () => `203.0.113.${++lastOctet}`;
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

const login = (ip: string, email = 'a@example.com', client: HttpClient = system.http) =>
  client.post('/api/v1/auth/login', { email, password: 'whatever1' }, from(ip));
const register = (ip: string, email = 'a@example.com') =>
  system.http.post('/api/v1/auth/register', { email, password: 'another-password', name: 'R' }, from(ip));
const resetPassword = (ip: string, email = 'a@example.com') =>
  system.http.post('/api/v1/auth/password-reset', { email }, from(ip));
const confirmReset = (ip: string) =>
  system.http.post('/api/v1/auth/password-reset/confirm', { token: 'forged', password: 'new-password-1' }, from(ip));

async function statuses(count: number, request: () => Promise<{ status: number }>): Promise<number[]> {
  const result = [];
  for (let i = 0; i < count; i++) result.push((await request()).status);
  return result;
}

describe('rate limits', () => {
  // The stricter limit guards both doors: password guessing (login) and account spraying (register).
  it.each([
    ['login', login, 401],
    ['register', register, 201],
    ['password reset requests', resetPassword, 202],
    ['password reset confirmations', confirmReset, 400],
  ])('limits %s more strictly, with 429 RATE_LIMITED and Retry-After', async (_, attempt, allowed) => {
    const ip = newClientIp();
    expect(await statuses(4, () => attempt(ip, `${randomUUID()}@example.com`))).toEqual([
      allowed,
      allowed,
      allowed,
      429,
    ]);

    const limited = await attempt(ip, `${randomUUID()}@example.com`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reset')).toBe(limited.headers.get('retry-after'));
  });

  /** Registers and logs in a new customer, each from an address of its own, so no limit is touched. */
  async function newCustomerToken(): Promise<string> {
    const credentials = { email: `${randomUUID()}@example.com`, password: 'another-password' };
    expect(
      (await system.http.post('/api/v1/auth/register', { ...credentials, name: 'R' }, from(newClientIp()))).status,
    ).toBe(201);
    return (await system.http.post('/api/v1/auth/login', credentials, from(newClientIp()))).body.accessToken;
  }

  it('limits resending the verification link as strictly', async () => {
    const token = await newCustomerToken();
    const ip = newClientIp();
    const resend = () => system.http.post('/api/v1/auth/verify-email/resend', undefined, { token, ...from(ip) });
    expect(await statuses(4, resend)).toEqual([204, 204, 204, 429]);
  });

  it('limits changing the password as strictly: guessing the current one is password guessing', async () => {
    const token = await newCustomerToken();
    const ip = newClientIp();
    const guess = () =>
      system.http.post(
        '/api/v1/auth/change-password',
        { currentPassword: 'a-wrong-guess', newPassword: 'new-password-1' },
        { token, ...from(ip) },
      );
    expect(await statuses(4, guess)).toEqual([401, 401, 401, 429]);
  });

  it('counts login and register against one auth budget per address', async () => {
    const ip = newClientIp();
    const attempts = [
      () => login(ip, `${randomUUID()}@example.com`),
      () => register(ip, `${randomUUID()}@example.com`),
      () => login(ip, `${randomUUID()}@example.com`),
      () => register(ip, `${randomUUID()}@example.com`),
    ];
    const result = [];
    for (const attempt of attempts) result.push((await attempt()).status);
    expect(result).toEqual([401, 201, 401, 429]);
  });

  it('counts login and register against one budget per email, from any address', async () => {
    const email = `${randomUUID()}@example.com`;
    const result = [];
    for (const attempt of [register, login, register, login]) result.push((await attempt(newClientIp(), email)).status);
    expect(result).toEqual([201, 401, 409, 429]);
  });

  it.each([
    ['login', login, [401, 401, 401, 429]],
    ['register', register, [201, 409, 409, 429]],
  ])('limits %s attempts on one email from many addresses', async (_, attempt, expected) => {
    const email = `${randomUUID()}@example.com`;
    expect(await statuses(4, () => attempt(newClientIp(), email))).toEqual(expected);
    // Case and spaces do not make it another account; another email is not limited.
    expect((await attempt(newClientIp(), ` ${email.toUpperCase()} `)).status).toBe(429);
    expect((await attempt(newClientIp(), `${randomUUID()}@example.com`)).status).toBe(expected[0]);
  });

  it('limits anonymous traffic per client address, announcing the limit in RateLimit-* headers', async () => {
    const ip = newClientIp();
    const responses = [];
    for (let i = 0; i < 9; i++) responses.push(await system.http.get('/api/v1/auth/me', from(ip)));
    expect(responses.map((response) => response.status)).toEqual([...Array(8).fill(401), 429]);
    expect(responses[0].headers.get('ratelimit-limit')).toBe('8');
    expect(responses.slice(0, 8).map((response) => response.headers.get('ratelimit-remaining'))).toEqual([
      '7',
      '6',
      '5',
      '4',
      '3',
      '2',
      '1',
      '0',
    ]);
    expect(Number(responses[0].headers.get('ratelimit-reset'))).toBeGreaterThan(0);

    expect((await system.http.get('/api/v1/auth/me', from(newClientIp()))).status).toBe(401);
  });

  it('counts every route against one budget per address', async () => {
    const ip = newClientIp();
    // Two controllers, so neither the route nor the handler can be part of the key.
    const routes = ['/api/v1/auth/me', '/api/v1/products?limit=1'];
    let sent = 0;
    const result = await statuses(9, () => system.http.get(routes[sent++ % 2], from(ip)));
    expect(result).toEqual([401, 200, 401, 200, 401, 200, 401, 200, 429]);
  });

  it('limits signed-in traffic per user, not per address', async () => {
    const token = async () => {
      const credentials = { email: `${randomUUID()}@example.com`, password: 'customer-password-1' };
      await system.http.post('/api/v1/auth/register', { ...credentials, name: 'C' }, from(newClientIp()));
      return (await system.http.post('/api/v1/auth/login', credentials, from(newClientIp()))).body.accessToken;
    };
    const [first, second] = [await token(), await token()];
    const office = newClientIp();
    const me = (accessToken: string) => system.http.get('/api/v1/auth/me', { ...from(office), token: accessToken });

    expect(await statuses(9, () => me(first))).toEqual([...Array(8).fill(200), 429]);
    expect((await me(second)).status).toBe(200);
    // A forged token does not buy its own bucket: it counts against the address.
    expect((await system.http.get('/api/v1/auth/me', { ...from(office), token: `${first}x` })).status).toBe(401);
  });

  it('ignores X-Forwarded-For from a connection that is not a trusted proxy', async () => {
    const port = await system.startApp('gateway', { id: 'gateway-untrusted', env: { TRUSTED_PROXIES: '' } });
    const direct = new HttpClient(`http://127.0.0.1:${port}`);
    const spoofed = await statuses(9, () => direct.get('/api/v1/auth/me', from(newClientIp())));
    expect(spoofed).toEqual([...Array(8).fill(401), 429]);
  });

  it('never limits health probes', async () => {
    for (let i = 0; i < 12; i++) expect((await system.http.get('/health/live')).status).toBe(200);
  });
});
