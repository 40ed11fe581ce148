import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import type { FastifyReply } from 'fastify';

export const STRICT_THROTTLE = 'throttle:strict';

/** Applies the stricter `auth` limit (login, register) on top of the default one. */
export const StrictThrottle = () => SetMetadata(STRICT_THROTTLE, true);

export const isStrictRoute = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(STRICT_THROTTLE, context.getHandler()) === true;

/** Whichever limit trips, the client gets a plain `Retry-After` and a problem+json 429. */
@Injectable()
export class GatewayThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('retry-after', Math.max(1, detail.timeToBlockExpire));
    throw new AppError(429, ErrorCode.RateLimited, 'Too many requests; retry later');
  }
}
