import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devSecret } from './dev-secret';

describe('devSecret', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'shop-dev-secret-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('generates one secret into <dataDir>/dev-jwt-secret, creating the folder, and returns it again after', () => {
    const dataDir = join(root, 'missing', '.data');
    const secret = devSecret(dataDir);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dataDir, 'dev-jwt-secret'), 'utf8')).toBe(secret);
    expect(statSync(join(dataDir, 'dev-jwt-secret')).mode & 0o077).toBe(0);
    expect(devSecret(dataDir)).toBe(secret);
    expect(devSecret(join(root, 'other'))).not.toBe(secret);
  });
});
