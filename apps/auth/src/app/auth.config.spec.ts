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

describe('loadAuthConfig: ACCOUNT_MAIL_DROP', () => {
  const secret = 'x'.repeat(64);

  it('is read outside production', () => {
    expect(loadAuthConfig({ JWT_SECRET: secret, ACCOUNT_MAIL_DROP: '/tmp/mail.jsonl' }).accountMailDrop).toBe(
      '/tmp/mail.jsonl',
    );
  });

  it('stops a production start: whoever reads the file could take over any account', () => {
    expect(() =>
      loadAuthConfig({ NODE_ENV: 'production', JWT_SECRET: secret, ACCOUNT_MAIL_DROP: '/tmp/mail.jsonl' }),
    ).toThrow(/ACCOUNT_MAIL_DROP: is for tests only/);
  });
});
