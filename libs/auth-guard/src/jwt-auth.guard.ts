import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ErrorCode, type Role } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import type { AuthenticatedUser } from './authenticated-user';
import { JWT_STRATEGY } from './jwt.strategy';
import { IS_PUBLIC } from './public.decorator';
import { ROLES_KEY } from './roles.decorator';

/** Deny by default: a route is open only when marked `@Public()`; the token is Passport's to verify. */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    await super.canActivate(context);
    const { user } = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) {
      throw new AppError(403, ErrorCode.Forbidden, 'This action needs another role');
    }
    return true;
  }

  /** No token, or one that is malformed, expired, forged or unsigned: the same 401 for all. */
  override handleRequest<User = AuthenticatedUser>(error: unknown, user: User | false): User {
    if (error) throw error;
    if (!user) throw new AppError(401, ErrorCode.Unauthorized, 'A valid Bearer access token is required');
    return user;
  }
}
