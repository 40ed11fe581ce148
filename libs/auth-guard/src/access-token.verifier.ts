import type { KeyObject } from 'node:crypto';
import { verify } from 'jsonwebtoken';
import { ROLES, type Role } from '@shop/contracts';
import type { AuthenticatedUser } from './authenticated-user';
import { JWT_ALGORITHM } from './jwt-key';

/** Every user id is a UUID; a signed token saying otherwise must not carry its `sub` into a query. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class AccessTokenVerifier {
  constructor(private readonly key: KeyObject) {}

  /** The caller, or null for any token that is malformed, expired, forged or unsigned. */
  verify(token: string): AuthenticatedUser | null {
    try {
      const claims = verify(token, this.key, { algorithms: [JWT_ALGORITHM] });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return null;
      const role = (claims as { role?: unknown }).role;
      if (!ROLES.includes(role as Role)) return null;
      return { id: claims.sub, role: role as Role };
    } catch {
      return null;
    }
  }
}
