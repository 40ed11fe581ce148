import type { ProductDto } from '@shop/contracts';
import { randomUUID } from 'node:crypto';
import { mayReplace } from './cache-entry';
import { MemoryProductCache } from './memory-product-cache';
import type { ProductCache } from './product-cache';
import { RedisProductCache } from './redis-product-cache';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const product = (id: string, version: number): ProductDto =>
  ({ id, version, name: `v${version}` }) as unknown as ProductDto;

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

  it('returns what was offered', async () => {
    const id = randomUUID();
    await cache.offer(product(id, 1));
    expect(await cache.get(id)).toEqual(product(id, 1));
  });

  it('never lets a reader that raced a write put the old version back', async () => {
    const id = randomUUID();
    await cache.offer(product(id, 1));
    await cache.invalidate(id, 2); // the write of version 2 returns after this
    await cache.offer(product(id, 1)); // a read of version 1 that started before the write
    expect(await cache.get(id)).toBeUndefined();
    await cache.offer(product(id, 2));
    expect(await cache.get(id)).toEqual(product(id, 2));
    await cache.offer(product(id, 1));
    expect(await cache.get(id)).toEqual(product(id, 2));
  });
});

describe('redis product cache when Redis is down', () => {
  it('fails open: misses, and writes are no-ops', async () => {
    const cache = await RedisProductCache.open('redis://127.0.0.1:1', 60_000);
    await expect(cache.offer(product(randomUUID(), 1))).resolves.toBeUndefined();
    await expect(cache.invalidate(randomUUID(), 2)).resolves.toBeUndefined();
    await expect(cache.get(randomUUID())).resolves.toBeUndefined();
    await cache.close();
  });
});
