import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * A refresh, password-reset or verification token is `<id>.<secret>`: the id finds the row, the secret proves possession.
 * Only a SHA-256 of the secret is stored; 256 random bits need no slow hash.
 */
export interface OpaqueToken {
  id: string;
  secret: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function newOpaqueToken(): OpaqueToken {
  return { id: randomUUID(), secret: randomBytes(32).toString('base64url') };
}

export const formatOpaqueToken = (token: OpaqueToken): string => `${token.id}.${token.secret}`;

export function parseOpaqueToken(value: string): OpaqueToken | null {
  const [id, secret, ...rest] = value.split('.');
  return rest.length === 0 && UUID.test(id) && SECRET.test(secret ?? '') ? { id, secret } : null;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
