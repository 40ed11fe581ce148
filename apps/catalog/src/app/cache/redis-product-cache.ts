import { Logger } from '@nestjs/common';
import type { ProductDto } from '@shop/contracts';
import Redis from 'ioredis';
import { type CacheEntry, decodeEntry } from './cache-entry';
import { ProductCache } from './product-cache';

/**
 * An entry is `<generation>:<version>:<json>` (a tombstone: `<generation>:<version>:`); one
 * belonging to an older generation than KEYS[1] holds is as good as absent. Returns the current
 * generation, and the entry without its generation when it belongs to this one.
 */
const READ = `
local generation = redis.call('GET', KEYS[1]) or '0'
local entry = redis.call('GET', KEYS[2])
if entry then
  local sep = string.find(entry, ':', 1, true)
  if string.sub(entry, 1, sep - 1) == generation then return {generation, string.sub(entry, sep + 1)} end
end
return {generation}
`;

/**
 * `mayReplace` (cache-entry.ts) as one atomic script, so the rule holds across every catalog
 * replica, within the current generation. ARGV: version, value ('' for a tombstone), ttl ms, and
 * the generation the reader saw before it loaded ('' for a writer's tombstone): a read that a
 * generation bump overtook stores nothing.
 */
const STORE = `
local generation = redis.call('GET', KEYS[1]) or '0'
if ARGV[4] ~= '' and ARGV[4] ~= generation then return 0 end
local version = tonumber(ARGV[1])
local tombstone = ARGV[2] == ''
local current = redis.call('GET', KEYS[2])
if current then
  local sep = string.find(current, ':', 1, true)
  if string.sub(current, 1, sep - 1) == generation then
    local rest = string.sub(current, sep + 1)
    local sep2 = string.find(rest, ':', 1, true)
    local currentVersion = tonumber(string.sub(rest, 1, sep2 - 1))
    local currentTombstone = sep2 == #rest
    if tombstone or currentTombstone then
      if version < currentVersion then return 0 end
    elseif version <= currentVersion then
      return 0
    end
  end
end
redis.call('SET', KEYS[2], generation .. ':' .. ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 1
`;

/** Both scripts are registered once and sent by their SHA, not their text, on every product read. */
type RedisWithScripts = Redis & {
  productRead(generationKey: string, key: string): Promise<[string, string?]>;
  productStore(generationKey: string, key: string, ...args: (string | number)[]): Promise<number>;
};

/** How often a replica that owes the cache a generation bump tries again without being asked. */
const BUMP_RETRY_MS = 1_000;

/**
 * Fails open: when Redis is unreachable, reads go to the database and the failure is logged.
 * Commands fail at once instead of queueing, and time out instead of hanging, so a Redis outage
 * never holds a request up for long.
 *
 * A write whose tombstone did not reach Redis leaves the version before it in the cache. So this
 * replica then owes a generation bump: until `INCR generation` succeeds it neither reads from nor
 * stores into the cache, and it keeps trying (on every read, and every second). The bump voids
 * every entry at once, and a read that saw the old generation cannot store what it loaded.
 */
export class RedisProductCache extends ProductCache {
  private readonly logger = new Logger(RedisProductCache.name);
  private readonly redis: RedisWithScripts;
  private readonly generationKey: string;
  /** Failed invalidations so far, and how many of them a successful bump has answered. */
  private failedInvalidations = 0;
  private answeredInvalidations = 0;
  private bump?: Promise<boolean>;
  private retryTimer?: NodeJS.Timeout;

  private constructor(
    url: string,
    private readonly ttlMs: number,
    private readonly prefix: string,
  ) {
    super();
    this.generationKey = `${prefix}generation`;
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      commandTimeout: 500,
    });
    redis.defineCommand('productRead', { numberOfKeys: 2, lua: READ });
    redis.defineCommand('productStore', { numberOfKeys: 2, lua: STORE });
    this.redis = redis as RedisWithScripts;
    this.redis.on('error', (error) =>
      this.logger.warn(`Redis unavailable, serving from the database: ${error.message}`),
    );
  }

  /** Connected when Redis answers; otherwise it starts anyway and keeps trying in the background. */
  static async open(url: string, ttlMs: number, prefix = 'catalog:product:'): Promise<RedisProductCache> {
    const cache = new RedisProductCache(url, ttlMs, prefix);
    await cache.redis.connect().catch(() => undefined);
    return cache;
  }

  async read(id: string, load: () => Promise<ProductDto | undefined>): Promise<ProductDto | undefined> {
    if (!(await this.trusted())) return load();
    const found = await this.redis.productRead(this.generationKey, this.prefix + id).catch(() => null);
    if (!found) return load();
    const [generation, raw] = found;
    const cached = raw === undefined ? undefined : decodeEntry(raw).value;
    if (cached !== undefined) return JSON.parse(cached) as ProductDto;
    const product = await load();
    if (product) await this.store(product.id, { version: product.version, value: JSON.stringify(product) }, generation);
    return product;
  }

  async invalidate(id: string, version: number): Promise<void> {
    const stored = (await this.trusted()) && (await this.store(id, { version }, ''));
    if (!stored) this.owe();
  }

  /**
   * For readiness (informational: reads fail open): up while connected and trusted, down while
   * Redis is unreachable or this replica still owes the generation bump after a failed write.
   */
  get status(): 'up' | 'down' {
    return this.redis.status === 'ready' && !this.owesBump ? 'up' : 'down';
  }

  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    this.redis.disconnect();
  }

  private async store(id: string, entry: CacheEntry, generation: string): Promise<boolean> {
    try {
      const args = [entry.version, entry.value ?? '', this.ttlMs, generation];
      await this.redis.productStore(this.generationKey, this.prefix + id, ...args);
      return true;
    } catch (error) {
      this.logger.warn(`Could not update the product cache: ${(error as Error).message}`);
      return false;
    }
  }

  /** A tombstone went missing: stop trusting the cache until a generation bump has voided it. */
  private owe(): void {
    if (this.failedInvalidations++ === this.answeredInvalidations) {
      this.logger.warn('A product write could not invalidate the cache: reading around it until it is flushed');
    }
    this.retryTimer ??= setInterval(() => void this.trusted(), BUMP_RETRY_MS).unref();
  }

  private get owesBump(): boolean {
    return this.failedInvalidations !== this.answeredInvalidations;
  }

  /** True when no failed invalidation is left unanswered, bumping the generation first if one is. */
  private async trusted(): Promise<boolean> {
    if (!this.owesBump) return true;
    this.bump ??= this.bumpGeneration().finally(() => (this.bump = undefined));
    return this.bump;
  }

  private async bumpGeneration(): Promise<boolean> {
    // Only failures seen before the INCR was sent are answered by it.
    const answers = this.failedInvalidations;
    try {
      await this.redis.incr(this.generationKey);
    } catch {
      return false;
    }
    this.answeredInvalidations = answers;
    if (answers < this.failedInvalidations) return false;
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    this.logger.log('Product cache flushed (generation bumped): reading from it again');
    return true;
  }
}
