import { TestSystem, waitFor } from '@shop/testing';
import { decode, sign } from 'jsonwebtoken';
import { Client } from 'pg';

const ADMIN = { email: 'root@shop.test', password: 'admin-password-1' };
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'auth',
    env: {
      auth: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
      gateway: { AUTH_THROTTLE_LIMIT: '1000' },
    },
  });
});
afterAll(() => system?.stop());

let counter = 0;
const newUser = () => ({
  email: `buyer${++counter}-${Date.now()}@example.com`,
  password: 'password123',
  name: 'Buyer',
});
const register = (body: object) => system.http.post('/api/v1/auth/register', body);
const login = ({ email, password }: { email: string; password: string }) =>
  system.http.post('/api/v1/auth/login', { email, password });
const refresh = (refreshToken: string) => system.http.post('/api/v1/auth/refresh', { refreshToken });
const me = (token: string) => system.http.get('/api/v1/auth/me', { token });

async function loggedIn() {
  const user = newUser();
  await register(user);
  const { body } = await login(user);
  return { user, tokens: body as { accessToken: string; refreshToken: string } };
}

describe('register', () => {
  it('creates a customer and returns its public profile only', async () => {
    const response = await register({ email: '  Grace@Example.COM ', password: 'password123', name: ' Grace ' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'grace@example.com',
      name: 'Grace',
      role: 'customer',
      status: 'active',
      emailVerified: false,
      phone: null,
      notifications: { email: true, sms: false },
      createdAt: expect.any(String),
    });
  });

  it('refuses the same email in another case with 409 EMAIL_TAKEN', async () => {
    const user = newUser();
    expect((await register(user)).status).toBe(201);
    const again = await register({ ...user, email: ` ${user.email.toUpperCase()} ` });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EMAIL_TAKEN');
  });

  it('requires a password of at least 8 characters', async () => {
    const response = await register({ ...newUser(), password: 'seven77' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveProperty('password');
  });

  it('never honours a role in the body', async () => {
    const user = newUser();
    const response = await register({ ...user, role: 'admin' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveProperty('role');
    expect((await login(user)).status).toBe(401);
  });
});

describe('login', () => {
  it('returns a bearer access token carrying sub and role, and a refresh token', async () => {
    const user = newUser();
    const { body: profile } = await register(user);
    const response = await login({ email: user.email.toUpperCase(), password: user.password });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    const claims = decode(response.body.accessToken, { complete: true })!;
    expect(claims.header.alg).toBe('HS256');
    expect(claims.payload).toEqual(expect.objectContaining({ sub: profile.id, role: 'customer' }));
    const { exp, iat } = claims.payload as { exp: number; iat: number };
    expect(exp - iat).toBe(900);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const user = newUser();
    await register(user);
    const wrongPassword = await login({ email: user.email, password: 'wrong-password' });
    const unknownEmail = await login({ email: `nobody-${user.email}`, password: user.password });
    expect(wrongPassword.status).toBe(401);
    const { requestId: _a, ...first } = wrongPassword.body;
    const { requestId: _b, ...second } = unknownEmail.body;
    expect(second).toEqual(first);
    expect(first.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('me and access tokens', () => {
  it("returns the caller's profile", async () => {
    const { user, tokens } = await loggedIn();
    const response = await me(tokens.accessToken);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ email: user.email, role: 'customer' }));
    expect(JSON.stringify(response.body)).not.toMatch(/password|hash/i);
  });

  it.each([
    ['signed with another key', (sub: string) => sign({ role: 'customer' }, 'x'.repeat(64), { subject: sub })],
    [
      'expired',
      (sub: string) =>
        sign({ role: 'customer', exp: Math.floor(Date.now() / 1000) - 5 }, system.jwtSecret, { subject: sub }),
    ],
    ['malformed', () => 'abc.def.ghi'],
    [
      'unsigned (alg none)',
      (sub: string) =>
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub, role: 'admin' })).toString('base64url')}.`,
    ],
  ])('refuses a token %s with 401', async (_, makeToken) => {
    const { body: profile } = await register(newUser());
    const response = await me(makeToken(profile.id));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHORIZED');
  });

  it('accepts a token signed with the shared secret', async () => {
    const { body: profile } = await register(newUser());
    const token = sign({ role: 'customer' }, system.jwtSecret, { subject: profile.id, expiresIn: 60 });
    expect((await me(token)).status).toBe(200);
  });
});

describe('refresh and logout', () => {
  it('rotates: a new pair, and the old refresh token stops working', async () => {
    const { tokens } = await loggedIn();
    const rotated = await refresh(tokens.refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(tokens.refreshToken);
    expect((await me(rotated.body.accessToken)).status).toBe(200);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(200);
  });

  it('treats a reused refresh token as stolen: 401, and the whole family is revoked', async () => {
    const { tokens } = await loggedIn();
    const second = await refresh(tokens.refreshToken);
    const reuse = await refresh(tokens.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh(second.body.refreshToken)).status).toBe(401);
  });

  it('lets exactly one of two concurrent refreshes of one token win', async () => {
    const { tokens } = await loggedIn();
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(tokens.refreshToken)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(4);
  });

  it('logout revokes the refresh token and is idempotent', async () => {
    const { tokens } = await loggedIn();
    const out = await system.http.post('/api/v1/auth/logout', { refreshToken: tokens.refreshToken });
    expect(out.status).toBe(204);
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
    expect((await system.http.post('/api/v1/auth/logout', { refreshToken: tokens.refreshToken })).status).toBe(204);
  });

  it('refuses garbage refresh tokens', async () => {
    expect((await refresh('garbage')).status).toBe(401);
    expect((await refresh(`${crypto.randomUUID()}.${'a'.repeat(43)}`)).status).toBe(401);
  });
});

describe('an unexpected database error', () => {
  it('is 500 INTERNAL_ERROR, logged with its SQL and constraint but none of its values', async () => {
    const db = new Client({ connectionString: system.databaseUrl('auth') });
    await db.connect();
    // Only this name breaks it, so register fails at the INSERT that carries the new password hash.
    await db.query(`ALTER TABLE users ADD CONSTRAINT e2e_poison CHECK (name <> 'Poison Pill')`);
    try {
      const requestId = `poison-${Date.now()}`;
      const user = { ...newUser(), name: 'Poison Pill' };
      const response = await system.http.post('/api/v1/auth/register', user, {
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(500);
      expect(response.body.code).toBe('INTERNAL_ERROR');

      const errorLine = () =>
        system
          .logs('auth')
          .split('\n')
          .filter((line) => line.includes(requestId))
          .map((line) => JSON.parse(line))
          .find((entry) => entry.err);
      // pino writes asynchronously: the line may land just after the answer.
      await waitFor('the error log line', async () => errorLine() !== undefined);
      const logged = errorLine();
      expect(logged.err.message).toContain('insert into "users"');
      expect(logged.err.cause.constraint).toBe('e2e_poison');
      for (const app of ['auth', 'gateway']) {
        expect(system.logs(app)).not.toContain('$argon2id$');
        expect(system.logs(app)).not.toContain(user.email);
      }
    } finally {
      await db.query('ALTER TABLE users DROP CONSTRAINT e2e_poison');
      await db.end();
    }
  });
});

describe('admin account', () => {
  it('exists from ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
    const response = await login(ADMIN);
    expect(response.status).toBe(200);
    expect((decode(response.body.accessToken) as { role: string }).role).toBe('admin');
  });

  it('takes a changed ADMIN_PASSWORD at the next start, revoking the sessions opened with the old one', async () => {
    const before = await login(ADMIN);
    expect(before.status).toBe(200);
    const changed = { ...ADMIN, password: 'admin-password-2' };
    await system.stopApp('auth');
    await system.startApp('auth', { env: { ADMIN_PASSWORD: changed.password } });

    expect((await login(ADMIN)).status).toBe(401);
    const after = await login(changed);
    expect(after.status).toBe(200);
    expect((decode(after.body.accessToken) as { role: string }).role).toBe('admin');
    expect((await refresh(before.body.refreshToken)).status).toBe(401);

    // The same password at the next start writes nothing: sessions opened with it live on.
    await system.stopApp('auth');
    await system.startApp('auth', { env: { ADMIN_PASSWORD: changed.password } });
    expect((await refresh(after.body.refreshToken)).status).toBe(200);
  });
});
