import { loadNotificationsConfig } from './notifications.config';

describe('loadNotificationsConfig: ACCOUNT_LINK_BASE_URL', () => {
  const production = { NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example:587' };

  it('is the local gateway outside production, and loses a trailing slash', () => {
    expect(loadNotificationsConfig({}).shop.linkBaseUrl).toBe('http://localhost:3000');
    const config = loadNotificationsConfig({ ACCOUNT_LINK_BASE_URL: 'https://shop.example.com/' });
    expect(config.shop.linkBaseUrl).toBe('https://shop.example.com');
  });

  it('is required in production: account emails would link nowhere', () => {
    expect(() => loadNotificationsConfig(production)).toThrow(/ACCOUNT_LINK_BASE_URL: is required/);
    const config = loadNotificationsConfig({ ...production, ACCOUNT_LINK_BASE_URL: 'https://shop.example.com' });
    expect(config.shop.linkBaseUrl).toBe('https://shop.example.com');
  });

  it.each(['shop.example.com', 'ftp://shop.example.com', 'javascript:alert(1)'])('refuses %s', (url) => {
    expect(() => loadNotificationsConfig({ ACCOUNT_LINK_BASE_URL: url })).toThrow(/ACCOUNT_LINK_BASE_URL/);
  });
});
