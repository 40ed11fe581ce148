import { runUntilExit } from '@shop/testing';

describe('configuration is validated at start-up', () => {
  it.each(['gateway', 'auth'] as const)(
    '%s refuses to start in production without JWT_SECRET, naming it',
    async (app) => {
      const { code, output } = await runUntilExit(app, { NODE_ENV: 'production' });
      expect(code).toBe(1);
      expect(output).toContain('JWT_SECRET: is required when NODE_ENV=production');
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
    expect(output).toContain('JWT_SECRET: must be at least 32 characters');
    expect(output).toMatch(/PORT: /);
    expect(output).toContain('CATALOG_SERVICE_URL: must look like tcp://host:port');
  });

  it('refuses an admin email without a password', async () => {
    const { code, output } = await runUntilExit('auth', { NODE_ENV: 'test', ADMIN_EMAIL: 'root@shop.test' });
    expect(code).toBe(1);
    expect(output).toContain('ADMIN_PASSWORD: ADMIN_EMAIL and ADMIN_PASSWORD go together');
  });
});
