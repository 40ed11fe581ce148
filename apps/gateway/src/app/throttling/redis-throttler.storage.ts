import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';

/** After a failed command, requests skip Redis this long: a hung Redis then costs one timeout per period, not one per request. */
const RETRY_AFTER_MS = 5_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One atomic step per request, so every gateway replica counts into the same window.
 * KEYS: hits, block. ARGV: ttl ms, limit, block ms. While blocked, hits are not counted.
 * Returns hits, ms left in the window, ms left blocked (0 when not blocked).
 */
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), blocked}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, tonumber(ARGV[3])}
end
return {hits, ttl, 0}
`;

type RedisWithIncrement = Redis & {
  throttleIncrement(hits: string, block: string, ttlMs: number, limit: number, blockMs: number): Promise<number[]>;
};

/**
 * Rate-limit counters in Redis, shared by every gateway replica (fixed windows of `ttl`).
 *
 * When Redis is unreachable the gateway keeps serving and counts in this process instead: limits
 * still hold per replica (so N replicas allow up to N times the limit) rather than vanishing or
 * refusing every request. The outage is logged once when it starts and once when it ends, and
 * readiness reports `redis: 'down'` without failing: taking every gateway out of the load
 * balancer over a rate-limit store would turn a degraded limit into a full outage.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('Throttler');
  private readonly redis: RedisWithIncrement;
  private readonly fallback = new ThrottlerStorageService();
  private down = false;
  private retryAt = 0;

  constructor(
    url: string,
    private readonly prefix = 'throttle:',
  ) {
    // Commands fail at once instead of queueing while Redis is away, and give up after 500 ms
    // when it hangs, so an outage never holds a request for longer than that.
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      commandTimeout: 500,
    });
    redis.defineCommand('throttleIncrement', { numberOfKeys: 2, lua: INCREMENT });
    redis.on('error', (error: Error) => this.markDown(error));
    redis.on('ready', () => this.markUp());
    this.redis = redis as RedisWithIncrement;
  }

  get status(): 'up' | 'down' {
    return this.redis.status === 'ready' && Date.now() >= this.retryAt ? 'up' : 'down';
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (Date.now() < this.retryAt) return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    // A hash tag keeps both keys of one counter on one Redis Cluster slot.
    const base = `${this.prefix}${throttlerName}:{${key}}`;
    try {
      const [hits, ttlMs, blockMs] = await this.redis.throttleIncrement(
        `${base}:hits`,
        `${base}:block`,
        ttl,
        limit,
        blockDuration,
      );
      this.markUp();
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(ttlMs / 1000),
        isBlocked: blockMs > 0,
        timeToBlockExpire: Math.ceil(blockMs / 1000),
      };
    } catch (error) {
      this.markDown(error as Error);
      this.retryAt = Date.now() + RETRY_AFTER_MS;
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.fallback.onApplicationShutdown();
    // QUIT lets Redis close first, so no half-closed socket lingers; without Redis, just drop it.
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private markUp(): void {
    if (this.down) this.logger.log('Redis is back: rate limits are shared again');
    this.down = false;
    this.retryAt = 0;
  }

  private markDown(error: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn(`Redis unavailable, rate limits are counted per gateway instance: ${error.message}`);
  }
}
