import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTime } from 'pino-http';
import { accessLogLevel } from './logging.module';

const request = (url = '/api/v1/products') => ({ url }) as IncomingMessage;
const response = (statusCode: number, tookMs = 5) =>
  ({ statusCode, [startTime]: Date.now() - tookMs }) as unknown as ServerResponse;

describe('access log level', () => {
  const none = accessLogLevel({ service: 'gateway', level: 'info', accessLogSampleRate: 0, slowMs: 1_000 });

  it('leaves out plain successes when sampling writes none of them', () => {
    expect(none(request(), response(200))).toBe('silent');
    expect(none(request(), response(304))).toBe('silent');
  });

  it('always writes errors, refusals and slow requests', () => {
    expect(none(request(), response(500))).toBe('error');
    expect(none(request(), response(200), new Error('reset'))).toBe('error');
    expect(none(request(), response(404))).toBe('warn');
    expect(none(request(), response(200, 1_500))).toBe('warn');
  });

  it('writes every plain success by default, probes at debug', () => {
    const all = accessLogLevel({ service: 'gateway', level: 'info' });
    expect(all(request(), response(200))).toBe('info');
    expect(all(request('/health/ready'), response(200))).toBe('debug');
  });
});
