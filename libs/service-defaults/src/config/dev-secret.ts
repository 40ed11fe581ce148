import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Outside production, apps started without JWT_SECRET share one generated secret kept in a
 * local file, so `npm start` and separate `nx serve` processes agree without any setup.
 * `wx` makes the first writer win when several apps start at once.
 */
export const DEV_SECRET_FILE = '.data/dev-jwt-secret';

export function devSecret(file = DEV_SECRET_FILE): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFileSync(file, 'utf8').trim();
  }
}
