import { loadOrdersConfig } from './orders.config';
import { stripeCallBoundMs } from './payments/stripe-payment.provider';

describe('loadOrdersConfig', () => {
  it('runs on embedded PGlite under .data/orders by default', () => {
    expect(loadOrdersConfig({})).toEqual({
      service: 'orders',
      logLevel: 'info',
      rpcLog: { accessLogSampleRate: 1, slowMs: 1_000 },
      production: false,
      address: { host: '127.0.0.1', port: 4003 },
      healthPort: undefined,
      database: { url: undefined, dataDir: '.data/orders' },
      auth: { address: [{ host: '127.0.0.1', port: 4001 }], timeoutMs: 5000 },
      catalog: { address: [{ host: '127.0.0.1', port: 4002 }], timeoutMs: 5000 },
      recovery: {
        intervalMs: 15_000,
        orderTtlSeconds: 1800,
        stuckAfterSeconds: 60,
        authorizationTtlSeconds: 6 * 24 * 60 * 60,
      },
      stripe: undefined,
      events: expect.objectContaining({
        service: 'orders',
        rabbitmqUrl: undefined,
        consumerAddresses: { notifications: [{ host: '127.0.0.1', port: 4004 }] },
      }),
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
      timeoutMs: 8000,
    });
    expect(() => loadOrdersConfig({ STRIPE_SECRET_KEY: 'sk_test_1' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
  });

  it('refuses a Stripe timeout that lets a payment outlive STUCK_ORDER_SECONDS', () => {
    const stripe = { STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' };
    // Three attempts of 8 s and 1.5 s of backoff: 25.5 s, at most half of the default 60 s.
    expect(stripeCallBoundMs(8000)).toBe(25_500);
    expect(() => loadOrdersConfig({ ...stripe, STUCK_ORDER_SECONDS: '50' })).toThrow(
      /STRIPE_TIMEOUT_MS: a Stripe call may take 25.5 s with its retries, more than half of STUCK_ORDER_SECONDS \(50 s\)/,
    );
    expect(loadOrdersConfig({ ...stripe, STUCK_ORDER_SECONDS: '50', STRIPE_TIMEOUT_MS: '5000' }).stripe).toMatchObject({
      timeoutMs: 5000,
    });
    // The test provider never calls Stripe, whatever the timeout.
    expect(loadOrdersConfig({ ...stripe, PAYMENT_PROVIDER: 'test', STUCK_ORDER_SECONDS: '1' }).stripe).toBeUndefined();
  });

  it('never takes fake payments in production unless told to by name', () => {
    expect(() => loadOrdersConfig({ NODE_ENV: 'production' })).toThrow(
      /STRIPE_SECRET_KEY: is required for Stripe payments/,
    );
    expect(() => loadOrdersConfig({ PAYMENT_PROVIDER: 'stripe' })).toThrow(/STRIPE_SECRET_KEY/);
    expect(loadOrdersConfig({ NODE_ENV: 'production', PAYMENT_PROVIDER: 'test' }).stripe).toBeUndefined();
  });

  it('reads where auth and the catalog listen and how long orders and stuck requests may last', () => {
    const config = loadOrdersConfig({
      AUTH_SERVICE_URL: 'tcp://auth.internal:7001',
      CATALOG_SERVICE_URL: 'tcp://catalog.internal:7000',
      RPC_TIMEOUT_MS: '1500',
      ORDER_TTL_SECONDS: '600',
      RECOVERY_INTERVAL_MS: '250',
      STUCK_ORDER_SECONDS: '5',
    });
    expect(config.auth).toEqual({ address: [{ host: 'auth.internal', port: 7001 }], timeoutMs: 1500 });
    expect(config.catalog).toEqual({ address: [{ host: 'catalog.internal', port: 7000 }], timeoutMs: 1500 });
    expect(config.recovery).toEqual({
      intervalMs: 250,
      orderTtlSeconds: 600,
      stuckAfterSeconds: 5,
      authorizationTtlSeconds: 6 * 24 * 60 * 60,
    });
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
