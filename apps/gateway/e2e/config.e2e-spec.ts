import { closedPort, runUntilExit } from '@shop/testing';

/** Every line an app wrote, parsed: fails the test on any line that is not JSON (Nest's coloured text). */
function jsonLines(output: string): Record<string, any>[] {
  const lines = output.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
}

describe('configuration is validated at start-up', () => {
  it.each(['gateway', 'auth'] as const)(
    '%s refuses to start in production without JWT_SECRET, naming it',
    async (app) => {
      const { code, output } = await runUntilExit(app, { NODE_ENV: 'production' });
      expect(code).toBe(1);
      expect(jsonLines(output)).toEqual([
        expect.objectContaining({
          level: 60,
          service: app,
          msg: expect.stringContaining('JWT_SECRET: is required when NODE_ENV=production'),
        }),
      ]);
    },
  );

  it('names every invalid value', async () => {
    const { code, output } = await runUntilExit('gateway', {
      NODE_ENV: 'test',
      JWT_SECRET: 'too-short',
      PORT: 'http',
      CATALOG_SERVICE_URL: 'catalog:4002',
    });
    expect(code).toBe(1);
    const [{ msg }] = jsonLines(output);
    expect(msg).toContain('JWT_SECRET: must be at least 32 characters');
    expect(msg).toMatch(/PORT: /);
    expect(msg).toContain('CATALOG_SERVICE_URL: must look like tcp://host:port');
  });

  it('refuses an admin email without a password', async () => {
    const { code, output } = await runUntilExit('auth', { NODE_ENV: 'test', ADMIN_EMAIL: 'root@shop.test' });
    expect(code).toBe(1);
    expect(jsonLines(output)[0].msg).toContain('ADMIN_PASSWORD: ADMIN_EMAIL and ADMIN_PASSWORD go together');
  });
});

describe('start-up failure', () => {
  it('is logged as JSON from the first line, with the error, and exits 1', async () => {
    const { code, output } = await runUntilExit('auth', {
      NODE_ENV: 'test',
      JWT_SECRET: 'x'.repeat(32),
      PORT: '0',
      // Nothing listens there: the database module fails while Nest is still building the app.
      AUTH_DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/auth`,
    });
    expect(code).toBe(1);
    const lines = jsonLines(output);
    expect(lines[0]).toEqual(expect.objectContaining({ service: 'auth', msg: 'Starting Nest application...' }));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, service: 'auth', err: expect.objectContaining({ code: 'ECONNREFUSED' }) }),
    );
  });
});
