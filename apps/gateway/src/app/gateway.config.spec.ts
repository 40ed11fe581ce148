import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from './gateway.config';

const JWT_SECRET = 'x'.repeat(32);

describe('loadGatewayConfig: rate limits', () => {
  it('trusts no proxy and counts in memory by default', () => {
    const config = loadGatewayConfig({ JWT_SECRET });
    expect(config.trustedProxies).toEqual([]);
    expect(config.throttle).toEqual({ ttlMs: 60_000, limit: 600, authLimit: 10, redisUrl: undefined });
  });

  it('takes trusted proxies as addresses and CIDR blocks, IPv4 or IPv6', () => {
    const config = loadGatewayConfig({ JWT_SECRET, TRUSTED_PROXIES: ' 10.0.0.0/8, 192.168.1.7,fd00::/8 ,::1' });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  });

  it.each(['10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/8', '::1/129', '10.0.0.0/'])(
    'refuses TRUSTED_PROXIES=%s, naming the variable',
    (value) => {
      expect(() => loadGatewayConfig({ JWT_SECRET, TRUSTED_PROXIES: value })).toThrow(/TRUSTED_PROXIES/);
    },
  );

  it('keeps counters in Redis when REDIS_URL is set, and refuses one that is not a URL', () => {
    expect(loadGatewayConfig({ JWT_SECRET, REDIS_URL: 'redis://cache:6379' }).throttle.redisUrl).toBe(
      'redis://cache:6379',
    );
    expect(() => loadGatewayConfig({ JWT_SECRET, REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });
});

describe('loadGatewayConfig: JWT secret', () => {
  it('outside production without JWT_SECRET, takes the dev secret the apps share from DATA_DIR', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shop-gateway-config-'));
    try {
      writeFileSync(join(dataDir, 'dev-jwt-secret'), 'g'.repeat(64));
      expect(loadGatewayConfig({ DATA_DIR: dataDir }).jwtSecret).toBe('g'.repeat(64));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('loadGatewayConfig: order read cache', () => {
  it('serves a kept order for at most 1000 ms by default, and not at all with 0', () => {
    expect(loadGatewayConfig({ JWT_SECRET }).orderCache).toEqual({ maxStalenessMs: 1_000 });
    expect(loadGatewayConfig({ JWT_SECRET, ORDER_CACHE_MAX_STALENESS_MS: '0' }).orderCache).toEqual({
      maxStalenessMs: 0,
    });
  });

  it.each(['1001', '-1', '1.5', 'soon'])('refuses ORDER_CACHE_MAX_STALENESS_MS=%s, naming the variable', (value) => {
    expect(() => loadGatewayConfig({ JWT_SECRET, ORDER_CACHE_MAX_STALENESS_MS: value })).toThrow(
      /ORDER_CACHE_MAX_STALENESS_MS/,
    );
  });
});
