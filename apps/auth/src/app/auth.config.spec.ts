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
