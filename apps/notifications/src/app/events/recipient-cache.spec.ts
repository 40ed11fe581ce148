import type { UserDto } from '@shop/contracts';
import { RecipientCache } from './recipient-cache';

const user = (email: string) => ({ id: 'u1', email }) as UserDto;

describe('RecipientCache', () => {
  let clock: number;
  let cache: RecipientCache;
  beforeEach(() => {
    clock = 0;
    cache = new RecipientCache(1_000, () => clock);
  });

  it('asks once while fresh, concurrent lookups included, and again once expired', async () => {
    let lookups = 0;
    const load = jest.fn(async () => user(`ada${++lookups}@shop.test`));
    const [a, b] = await Promise.all([cache.get('u1', load), cache.get('u1', load)]);
    clock = 999;
    const c = await cache.get('u1', load);
    expect([a.email, b.email, c.email]).toEqual(['ada1@shop.test', 'ada1@shop.test', 'ada1@shop.test']);
    clock = 1_000;
    expect((await cache.get('u1', load)).email).toBe('ada2@shop.test');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps users apart', async () => {
    await cache.get('u1', async () => user('ada@shop.test'));
    expect((await cache.get('u2', async () => user('bea@shop.test'))).email).toBe('bea@shop.test');
  });

  it('does not keep a failed lookup', async () => {
    await expect(cache.get('u1', () => Promise.reject(new Error('auth unavailable')))).rejects.toThrow('unavailable');
    expect((await cache.get('u1', async () => user('ada@shop.test'))).email).toBe('ada@shop.test');
  });
});
