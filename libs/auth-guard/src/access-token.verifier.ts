import type { KeyObject } from 'node:crypto';
import { verify } from 'jsonwebtoken';
import { ROLES, type Role } from '@shop/contracts';
import type { AuthenticatedUser } from './authenticated-user';
import { JWT_ALGORITHM } from './jwt-key';

/** Every user id is a UUID; a signed token saying otherwise must not carry its `sub` into a query. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The token of an `Authorization: Bearer <token>` header, or null for any other header. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** The caller a verified token's claims name, or null when they name no valid one. */
export function userFromClaims(claims: unknown): AuthenticatedUser | null {
  if (typeof claims !== 'object' || claims === null) return null;
  const { sub, role } = claims as { sub?: unknown; role?: unknown };
  if (typeof sub !== 'string' || !UUID.test(sub) || !ROLES.includes(role as Role)) return null;
  return { id: sub, role: role as Role };
}

/** A request's Bearer token as {@link AccessTokenVerifier.verifyRequest} found it. */
interface Verified {
  token: string;
  user: AuthenticatedUser | null;
}

const verifiedRequests = new WeakMap<object, Verified>();

/**
 * Verified tokens remembered, oldest forgotten first: a client sends the same token on every
 * request until it expires, and its HMAC and JSON parse were most of what the gateway spent on
 * an authenticated read. Only valid tokens with an expiry are kept, so a flood of forged ones
 * neither hits nor grows it.
 */
const REMEMBERED_TOKENS = 10_000;

interface Remembered {
  user: AuthenticatedUser;
  /** `exp` in ms: jsonwebtoken refuses a token from its `exp` second on. */
  expiresAtMs: number;
}

/**
 * The caller this request's `token` names, when {@link AccessTokenVerifier.verifyRequest} already
 * verified that very token on it (null: it was refused); undefined when it has not.
 */
export function verifiedEarlier(request: object, token: string): { user: AuthenticatedUser | null } | undefined {
  const verified = verifiedRequests.get(request);
  return verified?.token === token ? verified : undefined;
}

/**
 * Verifies a token outside a request's guard, where Passport has no say: the rate limiter keys
 * its buckets by the verified caller. Same key, algorithm and claims as {@link JwtStrategy}.
 */
export class AccessTokenVerifier {
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly key: KeyObject) {}

  /** The caller, or null for any token that is malformed, expired, forged or unsigned. */
  verify(token: string): AuthenticatedUser | null {
    const known = this.remembered.get(token);
    if (known && Date.now() < known.expiresAtMs) return known.user;
    if (known) this.remembered.delete(token);
    let claims: unknown;
    try {
      claims = verify(token, this.key, { algorithms: [JWT_ALGORITHM] });
    } catch {
      return null;
    }
    const user = userFromClaims(claims);
    const { exp } = claims as { exp?: unknown };
    if (user && typeof exp === 'number') {
      if (this.remembered.size >= REMEMBERED_TOKENS) this.remembered.delete(this.remembered.keys().next().value!);
      this.remembered.set(token, { user, expiresAtMs: exp * 1000 });
    }
    return user;
  }

  /**
   * The caller a request's Bearer token names (null without one). The outcome stays with the
   * request, so {@link JwtStrategy} does not verify the same token a second time.
   */
  verifyRequest(request: { headers: Record<string, string | string[] | undefined> }): AuthenticatedUser | null {
    const token = bearerToken(request.headers.authorization);
    if (token === null) return null;
    const user = this.verify(token);
    verifiedRequests.set(request, { token, user });
    return user;
  }
}
