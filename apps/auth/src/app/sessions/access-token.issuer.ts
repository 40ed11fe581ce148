import { Inject, Injectable } from '@nestjs/common';
import { createJwtKey, JWT_ALGORITHM } from '@shop/auth-guard';
import type { Role } from '@shop/contracts';
import { sign } from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config';

@Injectable()
export class AccessTokenIssuer {
  private readonly key: KeyObject;
  readonly ttlSeconds: number;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.key = createJwtKey(config.jwtSecret);
    this.ttlSeconds = config.accessTokenTtl;
  }

  /** `sid` names the session (the refresh-token family), so a password change can keep the caller's own open. */
  issue(user: { id: string; role: Role }, sessionId: string): string {
    return sign({ role: user.role, sid: sessionId }, this.key, {
      algorithm: JWT_ALGORITHM,
      subject: user.id,
      expiresIn: this.ttlSeconds,
    });
  }
}
