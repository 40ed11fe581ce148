import { loadOrdersConfig } from './orders.config';

describe('loadOrdersConfig', () => {
  it('runs on embedded PGlite under .data/orders by default', () => {
    expect(loadOrdersConfig({})).toEqual({
      service: 'orders',
      logLevel: 'info',
      production: false,
      address: { host: '127.0.0.1', port: 4003 },
      healthPort: undefined,
      database: { url: undefined, dataDir: '.data/orders' },
      catalog: { address: [{ host: '127.0.0.1', port: 4002 }], timeoutMs: 5000 },
      recovery: { intervalMs: 15_000, orderTtlSeconds: 1800, stuckAfterSeconds: 60 },
      stripe: undefined,
    });
  });

  it('uses Stripe when its key and webhook secret are set, and refuses one without the other', () => {
    const stripe = {
      STRIPE_SECRET_KEY: 'sk_test_1',
      STRIPE_WEBHOOK_SECRET: 'whsec_1',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
    };
    expect(loadOrdersConfig(stripe).stripe).toEqual({
      secretKey: 'sk_test_1',
      webhookSecret: 'whsec_1',
      apiUrl: 'http://127.0.0.1:12111',
    });
    expect(() => loadOrdersConfig({ STRIPE_SECRET_KEY: 'sk_test_1' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
  });

  it('never takes fake payments in production unless told to by name', () => {
    expect(() => loadOrdersConfig({ NODE_ENV: 'production' })).toThrow(
      /STRIPE_SECRET_KEY: is required for Stripe payments/,
    );
    expect(() => loadOrdersConfig({ PAYMENT_PROVIDER: 'stripe' })).toThrow(/STRIPE_SECRET_KEY/);
    expect(loadOrdersConfig({ NODE_ENV: 'production', PAYMENT_PROVIDER: 'test' }).stripe).toBeUndefined();
  });

  it('reads where the catalog listens and how long orders and stuck requests may last', () => {
    const config = loadOrdersConfig({
      CATALOG_SERVICE_URL: 'tcp://catalog.internal:7000',
      RPC_TIMEOUT_MS: '1500',
      ORDER_TTL_SECONDS: '600',
      RECOVERY_INTERVAL_MS: '250',
      STUCK_ORDER_SECONDS: '5',
    });
    expect(config.catalog).toEqual({ address: [{ host: 'catalog.internal', port: 7000 }], timeoutMs: 1500 });
    expect(config.recovery).toEqual({ intervalMs: 250, orderTtlSeconds: 600, stuckAfterSeconds: 5 });
  });

  it('refuses a catalog address that is not tcp://host:port', () => {
    expect(() => loadOrdersConfig({ CATALOG_SERVICE_URL: 'http://catalog' })).toThrow(/CATALOG_SERVICE_URL/);
  });

  it("reads its own database URL, never another app's", () => {
    const url = 'postgres://db.internal:5432/orders';
    expect(loadOrdersConfig({ ORDERS_DATABASE_URL: url, AUTH_DATABASE_URL: 'postgres://x/auth' }).database.url).toBe(
      url,
    );
  });
});
