import { Logger } from '@nestjs/common';
import type { ProductDto } from '@shop/contracts';
import Redis from 'ioredis';
import { type CacheEntry, decodeEntry } from './cache-entry';
import { ProductCache } from './product-cache';

/**
 * `mayReplace` (cache-entry.ts) as one atomic Redis script, so the rule holds across every
 * catalog replica. ARGV: version, value ('' for a tombstone), ttl ms.
 */
const STORE_IF_NOT_OLDER = `
local current = redis.call('GET', KEYS[1])
local version = tonumber(ARGV[1])
local tombstone = ARGV[2] == ''
if current then
  local sep = string.find(current, ':', 1, true)
  local currentVersion = tonumber(string.sub(current, 1, sep - 1))
  local currentTombstone = sep == #current
  if tombstone or currentTombstone then
    if version < currentVersion then return 0 end
  elseif version <= currentVersion then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 1
`;

/**
 * Fails open: when Redis is unreachable, reads go to the database and the failure is logged.
 * Commands fail at once instead of queueing, so a Redis outage never slows a request down.
 */
export class RedisProductCache extends ProductCache {
  private readonly logger = new Logger(RedisProductCache.name);
  private readonly redis: Redis;

  private constructor(
    url: string,
    private readonly ttlMs: number,
    private readonly prefix: string,
  ) {
    super();
    this.redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
    });
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

  async get(id: string): Promise<ProductDto | undefined> {
    const raw = await this.redis.get(this.prefix + id).catch(() => null);
    const value = raw === null ? undefined : decodeEntry(raw).value;
    return value === undefined ? undefined : (JSON.parse(value) as ProductDto);
  }

  offer(product: ProductDto): Promise<void> {
    return this.store(product.id, { version: product.version, value: JSON.stringify(product) });
  }

  invalidate(id: string, version: number): Promise<void> {
    return this.store(id, { version });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async store(id: string, entry: CacheEntry): Promise<void> {
    await this.redis
      .eval(STORE_IF_NOT_OLDER, 1, this.prefix + id, entry.version, entry.value ?? '', this.ttlMs)
      .catch((error: Error) => this.logger.warn(`Could not update the product cache: ${error.message}`));
  }
}
