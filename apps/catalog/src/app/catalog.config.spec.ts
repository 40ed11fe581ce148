import { loadCatalogConfig } from './catalog.config';

describe('loadCatalogConfig', () => {
  it('runs on embedded PGlite under .data/catalog by default', () => {
    expect(loadCatalogConfig({})).toEqual({
      service: 'catalog',
      logLevel: 'info',
      rpcLog: { accessLogSampleRate: 1, slowMs: 1_000 },
      address: { host: '127.0.0.1', port: 4002 },
      database: { url: undefined, dataDir: '.data/catalog' },
      cache: { redisUrl: undefined, ttlSeconds: 60 },
      events: expect.objectContaining({ service: 'catalog', rabbitmqUrl: undefined, consumerAddresses: {} }),
    });
  });

  it("reads its own database URL, never another app's", () => {
    const url = 'postgres://db.internal:5432/catalog';
    expect(loadCatalogConfig({ CATALOG_DATABASE_URL: url, AUTH_DATABASE_URL: 'postgres://x/auth' }).database.url).toBe(
      url,
    );
  });
});
