import type { KeyObject } from 'node:crypto';
import { verify } from 'jsonwebtoken';
import { ROLES, type Role } from '@shop/contracts';
import type { AuthenticatedUser } from './authenticated-user';
import { JWT_ALGORITHM } from './jwt-key';

export class AccessTokenVerifier {
  constructor(private readonly key: KeyObject) {}

  /** The caller, or null for any token that is malformed, expired, forged or unsigned. */
  verify(token: string): AuthenticatedUser | null {
    try {
      const claims = verify(token, this.key, { algorithms: [JWT_ALGORITHM] });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string') return null;
      const role = (claims as { role?: unknown }).role;
      if (!ROLES.includes(role as Role)) return null;
      return { id: claims.sub, role: role as Role };
    } catch {
      return null;
    }
  }
}
