import { freePort, startAppProcess } from '@shop/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Without AUTH_DATABASE_URL the app runs on embedded PGlite: what `npm start` does on a fresh clone.
let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'shop-embedded-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('starts on a fresh clone, where the folders above its data folder do not exist yet', async () => {
  const dataDir = join(root, 'fresh-clone', '.data', 'auth');
  const app = await startAppProcess('auth', await freePort(), {
    NODE_ENV: 'test',
    JWT_SECRET: 'x'.repeat(32),
    SHUTDOWN_DRAIN_MS: '100',
    DATA_DIR: dataDir,
  });
  expect(await app.stop()).toBe(0);
  expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
});
