import { startAppProcess } from '@shop/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Without AUTH_DATABASE_URL the app runs on embedded PGlite: what `npm start` does on a fresh clone.
let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'shop-embedded-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('starts on a fresh clone (no DATA_DIR yet), keeping its database in <DATA_DIR>/auth and the dev secret beside it', async () => {
  const dataDir = join(root, 'fresh-clone', '.data');
  const app = await startAppProcess('auth', {
    NODE_ENV: 'test',
    SHUTDOWN_DRAIN_MS: '100',
    DATA_DIR: dataDir,
  });
  expect(await app.stop()).toBe(0);
  // From Nest's first line to the last line of shutdown: JSON, never Nest's coloured text.
  for (const line of app.output().split('\n').filter(Boolean)) {
    expect(JSON.parse(line)).toEqual(expect.objectContaining({ service: 'auth' }));
  }
  expect(existsSync(join(dataDir, 'auth', 'PG_VERSION'))).toBe(true);
  expect(existsSync(join(dataDir, 'dev-jwt-secret'))).toBe(true);
});
