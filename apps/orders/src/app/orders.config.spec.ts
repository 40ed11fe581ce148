import { loadOrdersConfig } from './orders.config';

describe('loadOrdersConfig', () => {
  it('runs on embedded PGlite under .data/orders by default', () => {
    expect(loadOrdersConfig({})).toEqual({
      service: 'orders',
      logLevel: 'info',
      address: { host: '127.0.0.1', port: 4003 },
      database: { url: undefined, dataDir: '.data/orders' },
    });
  });

  it('reads its own database URL, never another app\'s', () => {
    const url = 'postgres://db.internal:5432/orders';
    expect(loadOrdersConfig({ ORDERS_DATABASE_URL: url, AUTH_DATABASE_URL: 'postgres://x/auth' }).database.url).toBe(url);
  });
});
