import type { CatalogChangesDto, ProductDto } from '@shop/contracts';
import { CatalogReadCache } from './catalog-read-cache';

const product = (id: string, version: number) => ({ id, version }) as ProductDto;
const feed = (changes: Partial<CatalogChangesDto> = {}): CatalogChangesDto => ({
  until: '2026-01-01 00:00:00+00',
  lagMs: 100,
  productIds: [],
  truncated: false,
  categoriesChanged: false,
  categoryCount: 3,
  ...changes,
});

describe('CatalogReadCache', () => {
  let clock: number;
  let cache: CatalogReadCache;
  let fetches: number;
  const read = (id: string, version = 1) =>
    cache.product(id, async () => {
      fetches++;
      return product(id, version);
    });

  beforeEach(() => {
    clock = 10_000;
    fetches = 0;
    cache = new CatalogReadCache(1_000, () => clock);
  });

  it('fetches every read until the feed has answered once', async () => {
    await read('a');
    await read('a');
    expect([cache.serving, fetches]).toEqual([false, 2]);
  });

  it('says whether a product read would be answered without the hop', async () => {
    cache.apply(feed({ lagMs: 100 }), clock);
    expect(cache.keepsProduct('a')).toBe(false);
    await read('a');
    expect(cache.keepsProduct('a')).toBe(true);
    clock += 1_000;
    expect(cache.keepsProduct('a')).toBe(false);
  });

  it('serves what it keeps while the feed is fresh, and fetches again once it is older than the bound', async () => {
    cache.apply(feed({ lagMs: 100 }), clock);
    await read('a');
    await read('a');
    expect(fetches).toBe(1);
    // Applied up to 100 ms before it asked: fresh for 900 ms more.
    clock += 900;
    await read('a');
    expect(fetches).toBe(1);
    clock += 1;
    await read('a');
    expect([cache.serving, fetches]).toEqual([false, 2]);
  });

  it('drops what the feed names, every listing with it, and everything on a category change', async () => {
    cache.apply(feed(), clock);
    await read('a');
    await read('b');
    const listings = jest.fn(async () => ({ items: [], total: 0, page: 1, limit: 20 }));
    await cache.listing('q', listings);
    cache.apply(feed({ productIds: ['a'] }), clock);
    await read('a', 2);
    await read('b');
    await cache.listing('q', listings);
    expect([fetches, listings.mock.calls.length]).toEqual([3, 2]);

    cache.apply(feed({ categoryCount: 2 }), clock);
    await read('b');
    expect(fetches).toBe(4);
  });

  it('answers but does not keep a fetch that a change overtook', async () => {
    cache.apply(feed(), clock);
    let finish!: (value: ProductDto) => void;
    const slow = cache.product('a', () => new Promise((resolve) => (finish = resolve)));
    cache.apply(feed({ productIds: ['a'] }), clock);
    finish(product('a', 1));
    expect((await slow).version).toBe(1);
    expect((await read('a', 2)).version).toBe(2);
  });
});
