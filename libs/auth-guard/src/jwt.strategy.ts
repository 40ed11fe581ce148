import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import { Strategy } from 'passport-jwt';
import { bearerToken, userFromClaims, verifiedEarlier } from './access-token.verifier';
import type { AuthenticatedUser } from './authenticated-user';
import { JWT_ALGORITHM } from './jwt-key';

export const JWT_STRATEGY = 'jwt';

type Request = { headers: Record<string, string | string[] | undefined> };

/**
 * Passport's JWT strategy with the key built once (see createJwtKey) and HS256 pinned: passport-jwt
 * hands both to jsonwebtoken as they are. A token it accepts still has to name a caller.
 */
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(key: KeyObject) {
    super({
      jwtFromRequest: (request: Request) => bearerToken(request.headers.authorization),
      // passport-jwt's types say string | Buffer; it passes the key to jsonwebtoken, which takes a KeyObject.
      secretOrKey: key as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
    });
  }

  /**
   * A token the rate limiter already verified on this request (same key, algorithm and claims:
   * {@link AccessTokenVerifier}) is not verified again: an HMAC and a JSON parse per request saved.
   */
  override authenticate(request: Request, options?: object): void {
    const token = bearerToken(request.headers.authorization);
    const earlier = token === null ? undefined : verifiedEarlier(request, token);
    // Typed for Express's request; Passport reads only its headers, which Fastify's has too.
    if (earlier === undefined) return super.authenticate(request as never, options);
    if (earlier.user) this.success(earlier.user);
    else this.fail(new Error('Invalid auth token'), 401);
  }

  /** Passport calls this with the verified claims; false makes the request unauthenticated. */
  validate(claims: unknown): AuthenticatedUser | false {
    return userFromClaims(claims) ?? false;
  }
}
