import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import type { TestSystem } from './test-system';

/**
 * An access token signed with the system's key, as auth would issue it, for a user that need not
 * exist in auth: the other apps trust the token alone, so a hundred buyers cost no password hashing.
 */
export function signedToken(
  system: TestSystem,
  user: { id?: string; role?: 'customer' | 'admin' } = {},
): { id: string; token: string } {
  const id = user.id ?? randomUUID();
  const token = sign({ role: user.role ?? 'customer' }, system.jwtSecret, {
    algorithm: 'HS256',
    subject: id,
    expiresIn: 3600,
  });
  return { id, token };
}
