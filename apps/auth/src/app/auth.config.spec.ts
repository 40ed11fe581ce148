import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuthConfig } from './auth.config';

describe('loadAuthConfig: DATA_DIR', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'shop-auth-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its embedded database in <DATA_DIR>/auth and shares the dev JWT secret kept in DATA_DIR', () => {
    writeFileSync(join(dataDir, 'dev-jwt-secret'), 's'.repeat(64));
    const config = loadAuthConfig({ DATA_DIR: dataDir });
    expect(config.database.dataDir).toBe(join(dataDir, 'auth'));
    expect(config.jwtSecret).toBe('s'.repeat(64));
  });
});

describe('loadAuthConfig: NOTIFICATIONS_SERVICE_URL', () => {
  const secret = 'x'.repeat(64);

  it('reaches the notifications app, which emails account links, at its default port unless told', () => {
    expect(loadAuthConfig({ JWT_SECRET: secret }).notifications.address).toEqual([{ host: '127.0.0.1', port: 4004 }]);
    const config = loadAuthConfig({ JWT_SECRET: secret, NOTIFICATIONS_SERVICE_URL: 'tcp://notifications:4010' });
    expect(config.notifications.address).toEqual([{ host: 'notifications', port: 4010 }]);
  });

  it('refuses an address that is not tcp://host:port', () => {
    expect(() => loadAuthConfig({ JWT_SECRET: secret, NOTIFICATIONS_SERVICE_URL: 'http://x' })).toThrow(
      /NOTIFICATIONS_SERVICE_URL/,
    );
  });
});
