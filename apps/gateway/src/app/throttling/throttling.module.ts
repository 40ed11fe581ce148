import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../gateway.config';
import { bodyEmail, clientIp, emailTracker, isStrictRoute } from './gateway-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const hasEmail = (context: ExecutionContext) =>
  bodyEmail(context.switchToHttp().getRequest<FastifyRequest>()) !== undefined;

/**
 * Three limits: `default` on every route (per user, else per IP), and on login and register
 * `auth` per IP and `auth-email` per email. Counters live in Redis when REDIS_URL is set.
 */
export function throttlingModule(config: GatewayConfig) {
  const { ttlMs, limit, authLimit, redisUrl } = config.throttle;
  return ThrottlerModule.forRoot({
    storage: redisUrl ? new RedisThrottlerStorage(redisUrl) : undefined,
    throttlers: [
      { name: 'default', ttl: ttlMs, limit },
      {
        name: 'auth',
        ttl: ttlMs,
        limit: authLimit,
        skipIf: (context) => !isStrictRoute(context),
        getTracker: clientIp,
      },
      {
        name: 'auth-email',
        ttl: ttlMs,
        limit: authLimit,
        skipIf: (context) => !isStrictRoute(context) || !hasEmail(context),
        getTracker: emailTracker,
      },
    ],
  });
}
