import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';

/** After a failed command, requests skip Redis this long: a hung Redis then costs one timeout per period, not one per request. */
const RETRY_AFTER_MS = 5_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Hits counted here are sent to Redis this often, in one command per counter. */
const FLUSH_MS = 100;

/**
 * One atomic step for a counter: add this replica's hits. KEYS: hits, block. ARGV: ttl ms,
 * limit, block ms, hits to add. While blocked, hits are not counted.
 * Returns hits, ms left in the window, ms left blocked (0 when not blocked).
 */
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), blocked}
end
local hits = redis.call('INCRBY', KEYS[1], ARGV[4])
if hits == tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, tonumber(ARGV[3])}
end
return {hits, ttl, 0}
`;

/** One counter as this replica knows it: Redis's total at the last answer, and hits since. */
interface Tally {
  known: number;
  pending: number;
  windowEndsAt: number;
  blockedUntil: number;
  ttl: number;
  limit: number;
  blockDuration: number;
}

type RedisWithIncrement = Redis & {
  throttleIncrement(
    hits: string,
    block: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
    add: number,
  ): Promise<number[]>;
};

/**
 * Rate-limit counters in Redis, shared by every gateway replica (fixed windows of `ttl`).
 *
 * Not a round trip per request: a counter's first hit in a window goes to Redis at once, and so
 * does every hit once the counter stands at half its limit or more; below that, hits are counted
 * here and sent every {@link FLUSH_MS} ms, one command per counter. Near a limit every replica
 * therefore asks Redis on each hit, and the only hits Redis has not seen are other replicas'
 * unsent ones: each replica's, at most half the limit and at most what it admitted in the last
 * 100 ms. That is the documented overshoot; a single replica's count is exact.
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
  private readonly tallies = new Map<string, Tally>();
  private readonly flusher = setInterval(() => this.flush(), FLUSH_MS).unref();

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
    const now = Date.now();
    let tally = this.tallies.get(base);
    if (tally && now >= tally.windowEndsAt) tally = undefined;
    if (tally && now < tally.blockedUntil) return recordOf(tally, now);
    if (tally && tally.known + tally.pending + 1 <= limit / 2) {
      tally.pending++;
      return recordOf(tally, now);
    }
    try {
      const sent = await this.send(base, { known: 0, pending: 0, ttl, limit, blockDuration, ...tally }, 1);
      return recordOf(sent, Date.now());
    } catch (error) {
      this.markDown(error as Error);
      this.retryAt = Date.now() + RETRY_AFTER_MS;
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  /** Adds `extra` and the tally's unsent hits to Redis, and takes its answer as the new truth. */
  private async send(base: string, tally: Omit<Tally, 'windowEndsAt' | 'blockedUntil'>, extra = 0): Promise<Tally> {
    const add = tally.pending + extra;
    const sent: Tally = { ...tally, pending: 0, windowEndsAt: Number.POSITIVE_INFINITY, blockedUntil: 0 };
    // Hits counted while the answer is on its way stay pending on the tally that answer updates.
    this.tallies.set(base, sent);
    const [hits, ttlMs, blockMs] = await this.redis
      .throttleIncrement(`${base}:hits`, `${base}:block`, tally.ttl, tally.limit, tally.blockDuration, add)
      .catch((error: unknown) => {
        // Unknown to Redis now: the next hit starts over from what Redis says.
        this.tallies.delete(base);
        throw error;
      });
    this.markUp();
    const now = Date.now();
    Object.assign(sent, { known: hits, windowEndsAt: now + ttlMs, blockedUntil: blockMs > 0 ? now + blockMs : 0 });
    return sent;
  }

  private flush(): void {
    const now = Date.now();
    for (const [base, tally] of this.tallies) {
      if (now >= tally.windowEndsAt) this.tallies.delete(base);
      else if (tally.pending > 0) {
        this.send(base, tally).catch((error: Error) => {
          // Those hits were admitted already; while Redis is away each replica counts on its own.
          this.markDown(error);
          this.retryAt = Date.now() + RETRY_AFTER_MS;
        });
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flusher);
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

function recordOf(tally: Tally, now: number): ThrottlerStorageRecord {
  const blockedMs = Math.max(tally.blockedUntil - now, 0);
  return {
    totalHits: tally.known + tally.pending,
    timeToExpire: Math.ceil(Math.max(tally.windowEndsAt - now, 0) / 1000),
    isBlocked: blockedMs > 0,
    timeToBlockExpire: Math.ceil(blockedMs / 1000),
  };
}
