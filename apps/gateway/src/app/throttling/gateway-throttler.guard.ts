import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  normalizeIp,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { AccessTokenVerifier } from '@shop/auth-guard';
import { ErrorCode } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { businessMetrics } from '@shop/service-defaults';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';

export const STRICT_THROTTLE = 'throttle:strict';

/** Bucket keys remembered before the memo starts over (a few MB at most). */
const MAX_KEYS = 10_000;

/** Applies the stricter `auth` limits (login, register: per IP and per email) on top of the default one. */
export const StrictThrottle = () => SetMetadata(STRICT_THROTTLE, true);

export const isStrictRoute = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(STRICT_THROTTLE, context.getHandler()) === true;

/**
 * The client's address. Fastify's `trustProxy` (TRUSTED_PROXIES) decides whether
 * X-Forwarded-For counts, so a client cannot pick its own bucket by sending the header.
 * IPv6 clients are grouped by /64, the block one subscriber usually holds.
 */
export const clientIp = (request: Record<string, any>): string => `ip:${normalizeIp(request.ip)}`;

export const emailTracker = (request: Record<string, any>): string => `email:${bodyEmail(request)}`;

/** The email a login or register names, so one account cannot be guessed at from many IPs. */
export const bodyEmail = (request: Record<string, any>): string | undefined => {
  const email: unknown = request.body?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
};

/**
 * Authenticated traffic is counted per user (many users may share one office IP), anonymous
 * traffic per client IP. Whichever limit trips, the client gets `Retry-After`, the
 * `RateLimit-*` headers and a problem+json 429.
 */
@Injectable()
export class GatewayThrottlerGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';
  /** Recent buckets' keys by limit and client, so a client's key is hashed once, not per request. */
  private readonly keys = new Map<string, string>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: FastifyRequest): Promise<string> {
    // Verified, not just decoded: a forged token must not buy a fresh bucket.
    const user = this.verifier.verifyRequest(request);
    return user ? `user:${user.id}` : clientIp(request);
  }

  /**
   * One bucket per limit and client, whatever the route. The library's default key also holds
   * the controller and handler names, which would give every route (and login and register
   * apart) a budget of its own. Hashed as the library does, so no email lands in Redis as a key.
   */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    const name = `${throttlerName}:${tracker}`;
    let key = this.keys.get(name);
    if (key === undefined) {
      // Hashing was a few per cent of a cached read's CPU; the same clients come back.
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      key = createHash('sha256').update(name).digest('hex');
      this.keys.set(name, key);
    }
    return key;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    businessMetrics.rateLimited.inc({ by: detail.tracker.slice(0, detail.tracker.indexOf(':')) });
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    // The limit that tripped, so a client sees on the 429 itself what it ran into and for how long.
    void reply
      .header('retry-after', retryAfter)
      .header('ratelimit-limit', detail.limit)
      .header('ratelimit-remaining', 0)
      .header('ratelimit-reset', retryAfter);
    throw new AppError(429, ErrorCode.RateLimited, 'Too many requests; retry later');
  }
}
