import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import { Strategy } from 'passport-jwt';
import { bearerToken, userFromClaims } from './access-token.verifier';
import type { AuthenticatedUser } from './authenticated-user';
import { JWT_ALGORITHM } from './jwt-key';

export const JWT_STRATEGY = 'jwt';

/**
 * Passport's JWT strategy with the key built once (see createJwtKey) and HS256 pinned: passport-jwt
 * hands both to jsonwebtoken as they are. A token it accepts still has to name a caller.
 */
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(key: KeyObject) {
    super({
      jwtFromRequest: (request: { headers: Record<string, string | string[] | undefined> }) =>
        bearerToken(request.headers.authorization),
      // passport-jwt's types say string | Buffer; it passes the key to jsonwebtoken, which takes a KeyObject.
      secretOrKey: key as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
    });
  }

  /** Passport calls this with the verified claims; false makes the request unauthenticated. */
  validate(claims: unknown): AuthenticatedUser | false {
    return userFromClaims(claims) ?? false;
  }
}
