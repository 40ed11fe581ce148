import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@shop/testing';
import Redis from 'ioredis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisThrottlerStorage (real Redis)', () => {
  const prefix = `test:throttle:${randomUUID()}:`;
  const storages: RedisThrottlerStorage[] = [];
  const open = async () => {
    const storage = new RedisThrottlerStorage(REDIS_URL, prefix);
    storages.push(storage);
    await waitFor('the storage to reach Redis', async () => storage.status === 'up');
    return storage;
  };

  afterAll(async () => {
    await Promise.all(storages.map((storage) => storage.onApplicationShutdown()));
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts one window across instances and blocks past the limit until the block ends', async () => {
    const [a, b] = [await open(), await open()];
    expect(a.status).toBe('up');
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await (i % 2 ? b : a).increment('k1', 60_000, 3, 60_000, 'default'));
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[0].timeToExpire).toBeGreaterThan(0);
    expect(hits[0].timeToExpire).toBeLessThanOrEqual(60);
    expect(hits[3].timeToBlockExpire).toBeGreaterThan(0);
    // Blocked requests are not counted, and another key or limit name has its own counter.
    expect((await a.increment('k1', 60_000, 3, 60_000, 'default')).totalHits).toBe(4);
    expect((await a.increment('k1', 60_000, 3, 60_000, 'auth')).totalHits).toBe(1);
    expect((await a.increment('k2', 60_000, 3, 60_000, 'default')).totalHits).toBe(1);
  });

  it('counts hits far from the limit here and sends them in one command per counter', async () => {
    const [a, b] = [await open(), await open()];
    const redis = new Redis(REDIS_URL);
    const stored = async () => Number(await redis.get(`${prefix}default:{batched}:hits`));
    try {
      for (let i = 0; i < 10; i++)
        expect((await a.increment('batched', 60_000, 100, 60_000, 'default')).isBlocked).toBe(false);
      // The first hit went at once; the other nine wait for the next flush.
      expect(await stored()).toBeLessThan(10);
      await waitFor('the next flush', async () => (await stored()) >= 10);
      expect(await stored()).toBe(10);
      // Another replica starts from Redis's count.
      expect((await b.increment('batched', 60_000, 100, 60_000, 'default')).totalHits).toBe(11);
    } finally {
      await redis.quit();
    }
  });

  it('starts a new window once the old one expires', async () => {
    const storage = await open();
    expect((await storage.increment('short', 200, 1, 200, 'default')).isBlocked).toBe(false);
    expect((await storage.increment('short', 200, 1, 200, 'default')).isBlocked).toBe(true);
    // The expiry is what is under test: waiting longer than the window only makes it surer.
    await sleep(300);
    const next = await storage.increment('short', 200, 1, 200, 'default');
    expect([next.totalHits, next.isBlocked]).toEqual([1, false]);
  });

  it('counts in memory while Redis is unreachable', async () => {
    const storage = new RedisThrottlerStorage('redis://127.0.0.1:1', prefix);
    storages.push(storage);
    expect(storage.status).toBe('down');
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(await storage.increment('offline', 60_000, 2, 60_000, 'default'));
    expect(hits.map((hit) => hit.isBlocked)).toEqual([false, false, true]);
  });

  it('counts in memory when Redis accepts commands but never answers', async () => {
    // A Redis that answers the connection handshake (CLIENT SETINFO, then INFO for the ready
    // check) in order, and then hangs on every other command.
    const sockets: Socket[] = [];
    const hung = createServer(
      (socket) =>
        sockets.push(socket) &&
        socket.on('data', (chunk) => {
          for (const command of String(chunk).split(/(?=\*\d+\r\n)/)) {
            if (/\binfo\b/i.test(command)) socket.write('$9\r\nloading:0\r\n');
            else if (/\bclient\b/i.test(command)) socket.write('+OK\r\n');
          }
        }),
    );
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const storage = new RedisThrottlerStorage(`redis://127.0.0.1:${(hung.address() as { port: number }).port}`, prefix);
    try {
      await waitFor('the storage to connect', async () => storage.status === 'up');
      const hits = [];
      for (let i = 0; i < 2; i++) hits.push(await storage.increment('hung', 60_000, 1, 60_000, 'default'));
      expect(hits.map((hit) => hit.isBlocked)).toEqual([false, true]);
      expect(storage.status).toBe('down');
    } finally {
      hung.close();
      sockets.forEach((socket) => socket.destroy());
      await storage.onApplicationShutdown();
    }
  });
});
