import type { ProductDto } from '@shop/contracts';
import { waitFor } from '@shop/testing';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { mayReplace } from './cache-entry';
import { MemoryProductCache } from './memory-product-cache';
import type { ProductCache } from './product-cache';
import { RedisProductCache } from './redis-product-cache';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const product = (id: string, version: number): ProductDto =>
  ({ id, version, name: `v${version}` }) as unknown as ProductDto;
/** A read whose database answer is `found`. */
const loading = (found: ProductDto | undefined) => async () => found;
const nothing = loading(undefined);

describe('mayReplace', () => {
  it.each([
    ['anything into an empty slot', undefined, { version: 1, value: 'x' }, true],
    ['a newer read over an older one', { version: 1, value: 'a' }, { version: 2, value: 'b' }, true],
    ['the same read again', { version: 2, value: 'a' }, { version: 2, value: 'b' }, false],
    ['an older read over a newer one', { version: 3, value: 'a' }, { version: 2, value: 'b' }, false],
    ['an older read over a tombstone', { version: 3 }, { version: 2, value: 'b' }, false],
    ["the written version's read over its tombstone", { version: 3 }, { version: 3, value: 'b' }, true],
    ['a tombstone over an older read', { version: 2, value: 'a' }, { version: 3 }, true],
    ['a tombstone over a newer read', { version: 4, value: 'a' }, { version: 3 }, false],
  ])('lets %s: %p', (_, current, incoming, expected) => {
    expect(mayReplace(current, incoming)).toBe(expected);
  });
});

describe.each([
  ['memory', async () => new MemoryProductCache(60_000)],
  ['redis', () => RedisProductCache.open(REDIS_URL, 60_000, `test:${randomUUID()}:`)],
])('%s product cache', (_, create: () => Promise<ProductCache>) => {
  let cache: ProductCache;
  beforeEach(async () => (cache = await create()));
  afterEach(() => cache.close());

  it('serves what it loaded without loading again', async () => {
    const id = randomUUID();
    expect(await cache.read(id, loading(product(id, 1)))).toEqual(product(id, 1));
    expect(await cache.read(id, nothing)).toEqual(product(id, 1));
  });

  it('never lets a reader that raced a write put the old version back', async () => {
    const id = randomUUID();
    await cache.read(id, loading(product(id, 1)));
    await cache.invalidate(id, 2); // the write of version 2 returns after this
    // A read of version 1 that started before the write: answered, not stored.
    expect(await cache.read(id, loading(product(id, 1)))).toEqual(product(id, 1));
    expect(await cache.read(id, nothing)).toBeUndefined();
    await cache.read(id, loading(product(id, 2)));
    expect(await cache.read(id, loading(product(id, 1)))).toEqual(product(id, 2));
  });
});

describe('redis product cache when Redis is down', () => {
  it('fails open: every read loads, writes are no-ops', async () => {
    const cache = await RedisProductCache.open('redis://127.0.0.1:1', 60_000);
    expect(cache.status).toBe('down');
    const id = randomUUID();
    await expect(cache.invalidate(id, 2)).resolves.toBeUndefined();
    expect(await cache.read(id, loading(product(id, 2)))).toEqual(product(id, 2));
    expect(await cache.read(id, nothing)).toBeUndefined();
    await cache.close();
  });
});

/**
 * Two replicas on one Redis. The writer connects as its own ACL user, so revoking that user's
 * commands makes exactly its invalidation fail, at once and every time, while Redis stays up
 * for the other replica: the outage that left the cache serving an old version for a whole TTL.
 */
describe('redis product cache after a failed invalidation', () => {
  const admin = new Redis(REDIS_URL);
  const user = `catalog-test-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const prefix = `test:${randomUUID()}:`;
  const grant = (rules: string) => admin.call('ACL', 'SETUSER', user, rules);
  let writer: RedisProductCache;
  let reader: RedisProductCache;
  /** What the database holds, by id. */
  const database = new Map<string, ProductDto>();
  const load = (id: string) => async () => database.get(id);
  /** A write of `version` whose invalidation reaches Redis or not, as the ACL says. */
  const write = async (id: string, version: number) => {
    database.set(id, product(id, version));
    await writer.invalidate(id, version);
  };
  const outage = async (during: () => Promise<void>) => {
    await grant('-@all');
    try {
      await during();
    } finally {
      await grant('+@all');
    }
  };

  beforeAll(async () => {
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
    const url = new URL(REDIS_URL);
    url.username = user;
    url.password = password;
    writer = await RedisProductCache.open(url.toString(), 60_000, prefix);
    reader = await RedisProductCache.open(REDIS_URL, 60_000, prefix);
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await admin.call('ACL', 'DELUSER', user);
    admin.disconnect();
  });

  it('the writer reads around the cache until it has flushed it; then no replica serves the old version', async () => {
    const id = randomUUID();
    database.set(id, product(id, 1));
    expect(await reader.read(id, load(id))).toEqual(product(id, 1)); // cached
    expect(writer.status).toBe('up');
    await outage(async () => {
      await write(id, 2); // committed; the tombstone never reaches Redis
      expect(await writer.read(id, load(id))).toEqual(product(id, 2));
    });
    // Connected, but not trusted until the bump: readiness says so.
    expect([writer.status, reader.status]).toEqual(['down', 'up']);
    // Redis answers the writer again: its next read bumps the generation before anything else.
    expect(await writer.read(id, load(id))).toEqual(product(id, 2));
    expect(await reader.read(id, load(id))).toEqual(product(id, 2));
    expect(writer.status).toBe('up');
  });

  it('the writer flushes the cache on its own once Redis answers, without a request to prompt it', async () => {
    const id = randomUUID();
    database.set(id, product(id, 1));
    await reader.read(id, load(id));
    await outage(() => write(id, 2));
    await waitFor(
      'the old version to leave the cache',
      async () => (await reader.read(id, load(id)))!.version === 2,
      5_000,
    );
  });

  it('a read that loaded before the flush cannot store what it loaded after it', async () => {
    const id = randomUUID();
    database.set(id, product(id, 1));
    const raced = await reader.read(id, async () => {
      const loaded = database.get(id); // version 1, read before the write below committed
      await outage(() => write(id, 2));
      await writer.read(randomUUID(), nothing); // the flush
      return loaded;
    });
    expect(raced).toEqual(product(id, 1)); // answered as read, but not stored
    expect(await reader.read(id, load(id))).toEqual(product(id, 2));
  });
});
