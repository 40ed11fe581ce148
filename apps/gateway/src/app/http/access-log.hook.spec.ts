import { accessLogLevel } from './access-log.hook';

describe('access log level', () => {
  const none = accessLogLevel({ accessLogSampleRate: 0, slowMs: 1_000 });

  it('leaves out plain successes when sampling writes none of them', () => {
    expect(none('/api/v1/products', 200, 5)).toBe('silent');
    expect(none('/api/v1/products', 304, 5)).toBe('silent');
  });

  it('always writes errors, refusals and slow requests', () => {
    expect(none('/api/v1/products', 500, 5)).toBe('error');
    expect(none('/api/v1/products', 404, 5)).toBe('warn');
    expect(none('/api/v1/products', 200, 1_500)).toBe('warn');
  });

  it('writes every plain success at a rate of 1, probes and scrapes at debug', () => {
    const all = accessLogLevel({ accessLogSampleRate: 1, slowMs: 1_000 });
    expect(all('/api/v1/products', 200, 5)).toBe('info');
    expect(all('/health/ready', 200, 5)).toBe('debug');
    expect(all('/metrics', 200, 5)).toBe('debug');
  });
});
