import type { AuthenticatedUser } from '@shop/auth-guard';
import { Role, type OrderDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { OrderReadCache } from './order-read-cache';

const OWNER: AuthenticatedUser = { id: 'owner', role: Role.Customer };
const ADMIN: AuthenticatedUser = { id: 'admin', role: Role.Admin };
const order = (id: string, status = 'pending') => ({ id, status }) as OrderDto;

describe('OrderReadCache', () => {
  let clock: number;
  let cache: OrderReadCache;
  let fetches: number;
  /** A read whose fetch answers `status`, taking `takesMs` of the clock. */
  const read = (id: string, reader = OWNER, status = 'pending', takesMs = 0) =>
    cache.read(id, reader, async () => {
      fetches++;
      clock += takesMs;
      return order(id, status);
    });

  beforeEach(() => {
    clock = 10_000;
    fetches = 0;
    cache = new OrderReadCache(1_000, () => clock);
  });

  it('serves an answer again until the bound has passed since its fetch was asked, not answered', async () => {
    // Answered 300 ms after it was asked: served for the 700 ms left of the bound.
    const first = await read('a', OWNER, 'pending', 300);
    expect(first).toMatchObject({ order: order('a'), json: JSON.stringify(order('a')) });
    clock += 699;
    expect(await read('a')).toBe(first);
    expect(fetches).toBe(1);
    clock += 1;
    expect((await read('a', OWNER, 'paid')).order.status).toBe('paid');
    expect(fetches).toBe(2);
  });

  it('keeps an answer per reader: another reader fetches, and a refusal is never kept', async () => {
    await read('a');
    await read('a', ADMIN);
    // Same id, another role: another reader.
    await read('a', { id: 'owner', role: Role.Admin });
    expect(fetches).toBe(3);
    const stranger = { id: 'stranger', role: Role.Customer };
    const notFound = () => Promise.reject(new AppError(404, 'NOT_FOUND', 'Order not found'));
    for (let i = 0; i < 2; i++)
      await expect(cache.read('a', stranger, notFound)).rejects.toMatchObject({ status: 404 });
    await read('a');
    await read('a', ADMIN);
    expect(fetches).toBe(3);
  });

  it('forgets an order for every reader once a write of it has an outcome, refused or not', async () => {
    await read('a');
    await read('a', ADMIN);
    await read('b');
    await cache.written('a', Promise.resolve('cancelled'));
    await read('a');
    await read('a', ADMIN);
    await read('b');
    expect(fetches).toBe(5);
    await expect(
      cache.written('a', Promise.reject(new AppError(402, 'PAYMENT_DECLINED', 'declined'))),
    ).rejects.toThrow();
    await read('a');
    expect(fetches).toBe(6);
  });

  it('answers but does not keep a read that a write through this replica overtook', async () => {
    let finish!: (value: OrderDto) => void;
    const slow = cache.read('a', OWNER, () => new Promise((resolve) => (finish = resolve)));
    await cache.written('a', Promise.resolve());
    finish(order('a', 'pending'));
    expect((await slow).order.status).toBe('pending');
    expect((await read('a', OWNER, 'cancelled')).order.status).toBe('cancelled');
  });

  it('forgets every order after a write it cannot name, unless the orders app refused it', async () => {
    await read('a');
    await read('b');
    await expect(
      cache.writtenToAny(Promise.reject(new AppError(400, 'INVALID_SIGNATURE', 'bad signature'))),
    ).rejects.toThrow();
    await read('a');
    expect(fetches).toBe(2);
    await expect(
      cache.writtenToAny(Promise.reject(new AppError(504, 'UPSTREAM_TIMEOUT', 'timeout'))),
    ).rejects.toThrow();
    await read('a');
    await cache.writtenToAny(Promise.resolve({ received: true }));
    await read('b');
    expect(fetches).toBe(4);
  });

  it('keeps nothing with a bound of 0', async () => {
    cache = new OrderReadCache(0, () => clock);
    await read('a');
    expect((await read('a')).json).toBe(JSON.stringify(order('a')));
    expect(fetches).toBe(2);
  });
});
