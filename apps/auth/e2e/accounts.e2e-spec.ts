import { ADMIN_ENV, accessToken, type SmtpSink, startSmtpSink, TEST_ADMIN, TestSystem, waitFor } from '@shop/testing';
import { decode } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

let smtp: SmtpSink;
let system: TestSystem;
let admin: string;

beforeAll(async () => {
  smtp = await startSmtpSink();
  system = await TestSystem.start({
    label: 'accounts',
    notifications: true,
    env: {
      auth: ADMIN_ENV,
      notifications: { SMTP_URL: smtp.url, SHOP_NAME: 'Test Shop', ACCOUNT_LINK_BASE_URL: 'https://shop.test/' },
      gateway: { AUTH_THROTTLE_LIMIT: '100000', THROTTLE_LIMIT: '100000' },
    },
  });
  admin = await accessToken(system, TEST_ADMIN);
}, 180_000);
afterAll(async () => {
  await system?.stop();
  await smtp?.stop();
});

type LinkKind = 'password-reset' | 'email-verification';
const SUBJECT: Record<LinkKind, string> = {
  'password-reset': 'Test Shop: reset your password',
  'email-verification': 'Test Shop: confirm your email address',
};
const PAGE: Record<LinkKind, string> = {
  'password-reset': 'https://shop.test/reset-password',
  'email-verification': 'https://shop.test/verify-email',
};

/**
 * Waits for the `count`-th email of that kind to that address and answers the token of its link,
 * read from the message as its owner would: the page the link opens posts that token to the API.
 */
async function link(email: string, kind: LinkKind, count = 1): Promise<string> {
  const mails = await smtp.waitFor(
    `${kind} email #${count} to ${email}`,
    (mail) => mail.to.includes(email) && mail.subject === SUBJECT[kind],
    count,
  );
  const mail = mails[count - 1];
  const href = /https:\/\/shop\.test\/\S+/.exec(mail.text)?.[0] ?? '';
  const url = new URL(href);
  expect(`${url.origin}${url.pathname}`).toBe(PAGE[kind]);
  // Handlebars escapes `=` in HTML as `&#x3D;`, which a browser reads back as `=`.
  expect(mail.html.replaceAll('&#x3D;', '=')).toContain(`<a href="${href}">`);
  return url.searchParams.get('token') ?? '';
}

const post = (path: string, body?: object, token?: string) => system.http.post(`/api/v1${path}`, body, { token });
const get = (path: string, token?: string) => system.http.get(`/api/v1${path}`, { token });
const patch = (path: string, body: object, token?: string) =>
  system.http.request('PATCH', `/api/v1${path}`, { body, token });

function expectProblem(response: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body.requestId).toEqual(expect.any(String));
}

async function newAccount() {
  const credentials = { email: `user-${randomUUID()}@example.com`, password: 'first-password-1' };
  const registered = await post('/auth/register', { ...credentials, name: 'User' });
  expect(registered.status).toBe(201);
  const session = await post('/auth/login', credentials);
  expect(session.status).toBe(200);
  return {
    id: registered.body.id as string,
    ...credentials,
    session: session.body as { accessToken: string; refreshToken: string },
  };
}

/** One statement on the auth app's own database, for what the API does not show. */
async function queryAuthDb(text: string, params: unknown[]) {
  const db = new Client({ connectionString: system.databaseUrl('auth') });
  await db.connect();
  try {
    return (await db.query(text, params)).rows;
  } finally {
    await db.end();
  }
}

/** Every row of every table of an app's own database, as text. */
async function everythingStored(app: 'auth' | 'notifications'): Promise<string> {
  const db = new Client({ connectionString: system.databaseUrl(app) });
  await db.connect();
  try {
    const { rows: tables } = await db.query<{ name: string }>(
      `select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    const rows: string[] = [];
    for (const { name } of tables) {
      rows.push(...(await db.query<{ row: string }>(`select t::text as row from ${name} t`)).rows.map((r) => r.row));
    }
    return rows.join('\n');
  } finally {
    await db.end();
  }
}

const login = (email: string, password: string) => post('/auth/login', { email, password });
const refresh = (refreshToken: string) => post('/auth/refresh', { refreshToken });
const NO_PASSWORD_MATERIAL = /password|argon2|hash/i;

describe('email verification', () => {
  it('mails a link at registration; using it verifies the email, once', async () => {
    const user = await newAccount();
    expect((await get('/auth/me', user.session.accessToken)).body.emailVerified).toBe(false);
    const token = await link(user.email, 'email-verification');
    expect((await post('/auth/verify-email', { token })).status).toBe(204);
    const profile = await get('/auth/me', user.session.accessToken);
    expect(profile.body).toMatchObject({ emailVerified: true, status: 'active' });
    expectProblem(await post('/auth/verify-email', { token }), 400, 'INVALID_TOKEN');
    expectProblem(
      await post('/auth/verify-email/resend', undefined, user.session.accessToken),
      409,
      'EMAIL_ALREADY_VERIFIED',
    );
  });

  it('resends a new link on request; the earlier one stops working', async () => {
    const user = await newAccount();
    const first = await link(user.email, 'email-verification');
    expect((await post('/auth/verify-email/resend', undefined, user.session.accessToken)).status).toBe(204);
    const second = await link(user.email, 'email-verification', 2);
    expect(second).not.toBe(first);
    expectProblem(await post('/auth/verify-email', { token: first }), 400, 'INVALID_TOKEN');
    expect((await post('/auth/verify-email', { token: second })).status).toBe(204);
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['a well-formed token nobody issued', `${randomUUID()}.${'A'.repeat(43)}`],
  ])('refuses %s with 400 INVALID_TOKEN', async (_, token) => {
    expectProblem(await post('/auth/verify-email', { token }), 400, 'INVALID_TOKEN');
  });

  it('needs a token to resend', async () => {
    expectProblem(await post('/auth/verify-email/resend'), 401, 'UNAUTHORIZED');
  });
});

describe('password reset', () => {
  it('answers 202 with the same body whether or not the email has an account, and emails only the account', async () => {
    const user = await newAccount();
    const nobody = `nobody-${randomUUID()}@example.com`;
    const unknown = await post('/auth/password-reset', { email: nobody });
    const known = await post('/auth/password-reset', { email: user.email.toUpperCase() });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    // Auth's work for each request ends in one of two lines, by request id: after the unknown
    // address's, nothing more is done for it; the known one's ends once its email is handed over.
    const outcome = async (response: { headers: Headers }) =>
      (
        await system.requestLog('auth', response.headers.get('x-request-id') ?? '', (entry) =>
          /^(No password reset link sent|Handed the password-reset link)/.test(entry.msg),
        )
      ).map((entry) => entry.msg);
    expect(await outcome(unknown)).toContain('No password reset link sent: no active account has that email');
    expect((await outcome(known)).join('\n')).not.toMatch(/No password reset link sent/);
    await link(user.email, 'password-reset');
    expect(smtp.messages.filter((mail) => mail.to.includes(nobody))).toEqual([]);
  });

  it('sets the password with the link, once, and revokes every session', async () => {
    const user = await newAccount();
    const other = (await login(user.email, user.password)).body;
    await post('/auth/password-reset', { email: user.email });
    const token = await link(user.email, 'password-reset');
    expect((await post('/auth/password-reset/confirm', { token, password: 'second-password-2' })).status).toBe(204);

    expectProblem(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
    expect((await login(user.email, 'second-password-2')).status).toBe(200);
    expectProblem(await refresh(user.session.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    expectProblem(await refresh(other.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    expectProblem(
      await post('/auth/password-reset/confirm', { token, password: 'third-password-3' }),
      400,
      'INVALID_TOKEN',
    );
    expect((await login(user.email, 'second-password-2')).status).toBe(200);
  });

  it('uses a link once however many requests race with it', async () => {
    const user = await newAccount();
    await post('/auth/password-reset', { email: user.email });
    const token = await link(user.email, 'password-reset');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post('/auth/password-reset/confirm', { token, password: `raced-password-${i}` }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([204, ...Array(9).fill(400)]);
  });

  it('refuses an expired link, a forged one and one for verification with 400 INVALID_TOKEN', async () => {
    const user = await newAccount();
    await post('/auth/password-reset', { email: user.email });
    const token = await link(user.email, 'password-reset');
    await queryAuthDb(`update account_tokens set expires_at = now() - interval '1 second' where id = $1`, [
      token.split('.')[0],
    ]);
    expectProblem(
      await post('/auth/password-reset/confirm', { token, password: 'new-password-1' }),
      400,
      'INVALID_TOKEN',
    );
    const [id] = token.split('.');
    expectProblem(
      await post('/auth/password-reset/confirm', { token: `${id}.${'B'.repeat(43)}`, password: 'new-password-1' }),
      400,
      'INVALID_TOKEN',
    );
    const verification = await link(user.email, 'email-verification');
    expectProblem(
      await post('/auth/password-reset/confirm', { token: verification, password: 'new-password-1' }),
      400,
      'INVALID_TOKEN',
    );
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('keeps the 30-minute lifetime and stores only a hash of the token', async () => {
    const user = await newAccount();
    await post('/auth/password-reset', { email: user.email });
    const token = await link(user.email, 'password-reset');
    const rows = await queryAuthDb(
      `select secret_hash, extract(epoch from expires_at - created_at)::int as lifetime from account_tokens where id = $1`,
      [token.split('.')[0]],
    );
    expect(rows[0].lifetime).toBe(1800);
    expect(rows[0].secret_hash).not.toContain(token.split('.')[1]);
  });

  it('keeps the tokens out of every table and every log line', async () => {
    const user = await newAccount();
    const verification = await link(user.email, 'email-verification');
    await post('/auth/password-reset', { email: user.email });
    const reset = await link(user.email, 'password-reset');
    expect((await post('/auth/verify-email', { token: verification })).status).toBe(204);
    expect((await post('/auth/password-reset/confirm', { token: reset, password: 'second-password-2' })).status).toBe(
      204,
    );
    // pino writes asynchronously: wait for the sender's lines about both messages.
    const sent = () => system.logEntries('notifications').filter((entry) => /^Sent the .+ email$/.test(entry.msg));
    await waitFor('the sent lines', async () => sent().length >= 2);

    const stored = [await everythingStored('auth'), await everythingStored('notifications')].join('\n');
    const logged = ['auth', 'notifications', 'gateway'].map((id) => system.logs(id)).join('\n');
    expect(stored).toContain(user.email);
    for (const secret of [verification, reset].map((token) => token.split('.')[1])) {
      expect(secret.length).toBeGreaterThanOrEqual(40);
      expect(stored).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
  });

  it('refuses a short new password with 400 VALIDATION_FAILED', async () => {
    const response = await post('/auth/password-reset/confirm', { token: 'x', password: 'short' });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors.password).toBeDefined();
  });
});

describe('change password', () => {
  it('refuses a wrong current password with 401, changing nothing', async () => {
    const user = await newAccount();
    const response = await post(
      '/auth/change-password',
      { currentPassword: 'not-my-password', newPassword: 'second-password-2' },
      user.session.accessToken,
    );
    expectProblem(response, 401, 'INVALID_CREDENTIALS');
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('sets the new password and revokes every other session, keeping the caller’s', async () => {
    const user = await newAccount();
    const other = (await login(user.email, user.password)).body;
    const changed = await post(
      '/auth/change-password',
      { currentPassword: user.password, newPassword: 'second-password-2' },
      user.session.accessToken,
    );
    expect(changed.status).toBe(204);
    expect(changed.text).toBe('');
    expectProblem(await refresh(other.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    expect((await refresh(user.session.refreshToken)).status).toBe(200);
    expectProblem(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
    expect((await login(user.email, 'second-password-2')).status).toBe(200);
  });

  it('needs a token and a valid new password', async () => {
    expectProblem(
      await post('/auth/change-password', { currentPassword: 'a', newPassword: 'second-password-2' }),
      401,
      'UNAUTHORIZED',
    );
    const user = await newAccount();
    const response = await post(
      '/auth/change-password',
      { currentPassword: user.password, newPassword: 'short' },
      user.session.accessToken,
    );
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });
});

describe('admin user management', () => {
  it('is for admins only: customers get 403, anonymous callers 401', async () => {
    const user = await newAccount();
    expectProblem(await get('/users', user.session.accessToken), 403, 'FORBIDDEN');
    expectProblem(await get(`/users/${user.id}`, user.session.accessToken), 403, 'FORBIDDEN');
    expectProblem(await patch(`/users/${user.id}`, { role: 'admin' }, user.session.accessToken), 403, 'FORBIDDEN');
    expectProblem(await post(`/users/${user.id}/disable`, undefined, user.session.accessToken), 403, 'FORBIDDEN');
    expectProblem(await get('/users'), 401, 'UNAUTHORIZED');
  });

  it('lists accounts by email prefix, role and status, paginated, without password material', async () => {
    const prefix = `list-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const registered = await post('/auth/register', {
        email: `${prefix}-${i}@example.com`,
        password: 'list-password-1',
        name: 'L',
      });
      ids.push(registered.body.id);
    }
    const page1 = await get(`/users?email=${prefix.toUpperCase()}&limit=2`, admin);
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ total: 3, page: 1, limit: 2 });
    expect(page1.body.items.map((u: { id: string }) => u.id)).toEqual(ids.slice(0, 2));
    expect(Object.keys(page1.body.items[0]).sort()).toEqual([
      'createdAt',
      'email',
      'emailVerified',
      'id',
      'name',
      'notifications',
      'phone',
      'role',
      'status',
    ]);
    expect(page1.text).not.toMatch(/argon2|hash/i);
    const page2 = await get(`/users?email=${prefix}&limit=2&page=2`, admin);
    expect(page2.body.items.map((u: { id: string }) => u.id)).toEqual(ids.slice(2));

    await post(`/users/${ids[1]}/disable`, undefined, admin);
    const disabled = await get(`/users?email=${prefix}&status=disabled`, admin);
    expect(disabled.body.items.map((u: { id: string }) => u.id)).toEqual([ids[1]]);
    const admins = await get(`/users?role=admin`, admin);
    expect(admins.body.items.map((u: { email: string }) => u.email)).toContain(TEST_ADMIN.email);
    // A LIKE wildcard in the prefix is matched literally.
    expect((await get(`/users?email=${encodeURIComponent('%')}`, admin)).body.total).toBe(0);
    expectProblem(await get('/users?role=root', admin), 400, 'VALIDATION_FAILED');
    expectProblem(await get('/users?status=gone', admin), 400, 'VALIDATION_FAILED');
  });

  it('reads one account; an unknown id is 404, a malformed one 400', async () => {
    const user = await newAccount();
    const read = await get(`/users/${user.id}`, admin);
    expect(read.body).toMatchObject({ id: user.id, email: user.email, role: 'customer', status: 'active' });
    expectProblem(await get(`/users/${randomUUID()}`, admin), 404, 'NOT_FOUND');
    expectProblem(await get('/users/nope', admin), 400, 'VALIDATION_FAILED');
    expectProblem(await patch(`/users/${randomUUID()}`, { role: 'admin' }, admin), 404, 'NOT_FOUND');
    expectProblem(await patch(`/users/${user.id}`, { role: 'root' }, admin), 400, 'VALIDATION_FAILED');
  });

  it('changes a role, which takes effect at the next refresh', async () => {
    const user = await newAccount();
    const promoted = await patch(`/users/${user.id}`, { role: 'admin' }, admin);
    expect(promoted.body.role).toBe('admin');
    // The token issued before still says customer …
    expectProblem(await get('/users', user.session.accessToken), 403, 'FORBIDDEN');
    // … the next one says admin.
    const next = (await refresh(user.session.refreshToken)).body;
    expect((decode(next.accessToken) as { role: string }).role).toBe('admin');
    expect((await get('/users', next.accessToken)).status).toBe(200);
    await patch(`/users/${user.id}`, { role: 'customer' }, admin);
  });

  it('disables an account: no login, no refresh (401 ACCOUNT_DISABLED), sessions revoked; enabling restores login', async () => {
    const user = await newAccount();
    const disabled = await post(`/users/${user.id}/disable`, undefined, admin);
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    expectProblem(await login(user.email, user.password), 401, 'ACCOUNT_DISABLED');
    expectProblem(await refresh(user.session.refreshToken), 401, 'ACCOUNT_DISABLED');
    // A wrong password learns nothing about the account.
    expectProblem(await login(user.email, 'wrong-password-1'), 401, 'INVALID_CREDENTIALS');
    expect((await post(`/users/${user.id}/disable`, undefined, admin)).status).toBe(200);

    expect((await post(`/users/${user.id}/enable`, undefined, admin)).body.status).toBe('active');
    expect((await login(user.email, user.password)).status).toBe(200);
    // Its old sessions stay revoked.
    expectProblem(await refresh(user.session.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    expectProblem(await post(`/users/${randomUUID()}/enable`, undefined, admin), 404, 'NOT_FOUND');
  });

  /**
   * Disables `user` while `attempts` open or rotate sessions, then enables it again: each attempt
   * either was refused as disabled or got a refresh token that no longer works.
   */
  async function raceWithDisable(user: { id: string }, attempts: () => ReturnType<typeof post>[]): Promise<void> {
    const [answers, disabled] = await Promise.all([
      Promise.all(attempts()),
      post(`/users/${user.id}/disable`, undefined, admin),
    ]);
    expect(disabled.status).toBe(200);
    for (const answer of answers.filter((r) => r.status !== 200)) expectProblem(answer, 401, 'ACCOUNT_DISABLED');
    await post(`/users/${user.id}/enable`, undefined, admin);
    // Whatever won each race, no refresh token issued before or during the disable works after it.
    const after = await Promise.all(answers.filter((r) => r.status === 200).map((r) => refresh(r.body.refreshToken)));
    expect(after.map((r) => r.status)).toEqual(after.map(() => 401));
  }

  it('revokes every session of an account disabled while it refreshes', async () => {
    const user = await newAccount();
    const sessions = await Promise.all(Array.from({ length: 5 }, () => login(user.email, user.password)));
    await raceWithDisable(user, () => sessions.map((s) => refresh(s.body.refreshToken)));
  });

  it('revokes every session of an account disabled while it logs in', async () => {
    const user = await newAccount();
    await raceWithDisable(user, () => Array.from({ length: 5 }, () => login(user.email, user.password)));
  });

  // Last: it leaves one of the two admins demoted.
  it('never demotes or disables the last active admin (409 LAST_ADMIN), even when two admins demote each other at once', async () => {
    const me = (await get('/auth/me', admin)).body.id as string;
    expectProblem(await post(`/users/${me}/disable`, undefined, admin), 409, 'LAST_ADMIN');
    expectProblem(await patch(`/users/${me}`, { role: 'customer' }, admin), 409, 'LAST_ADMIN');

    const second = await newAccount();
    await patch(`/users/${second.id}`, { role: 'admin' }, admin);
    const secondAdmin = (await refresh(second.session.refreshToken)).body.accessToken;
    const answers = await Promise.all([
      patch(`/users/${second.id}`, { role: 'customer' }, admin),
      patch(`/users/${me}`, { role: 'customer' }, secondAdmin),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('LAST_ADMIN');
    const left = await get('/users?role=admin&status=active', answers[0].status === 200 ? admin : secondAdmin);
    expect(left.body.total).toBe(1);
  });
});

describe('no password material in any answer', () => {
  it('holds for the profile, the listing and the reset answer', async () => {
    const user = await newAccount();
    expect((await get('/auth/me', user.session.accessToken)).text).not.toMatch(NO_PASSWORD_MATERIAL);
    expect((await get(`/users/${user.id}`, admin)).text).not.toMatch(NO_PASSWORD_MATERIAL);
    expect((await post('/auth/password-reset', { email: user.email })).text).not.toMatch(/argon2|hash|token/i);
  });
});
