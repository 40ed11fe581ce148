import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, type Role } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { AccessTokenVerifier } from './access-token.verifier';
import type { AuthenticatedUser } from './authenticated-user';
import { IS_PUBLIC } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

/** Deny by default: a route is open only when marked `@Public()`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const user = this.authenticate(request.headers.authorization);
    request.user = user;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw new AppError(403, ErrorCode.Forbidden, 'This action needs another role');
    }
    return true;
  }

  private authenticate(header: string | string[] | undefined): AuthenticatedUser {
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    const user = match ? this.verifier.verify(match[1]) : null;
    if (!user) {
      throw new AppError(401, ErrorCode.Unauthorized, 'A valid Bearer access token is required');
    }
    return user;
  }
}
