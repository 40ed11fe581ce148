import { z } from 'zod';
import { loadConfig } from './load-config';
import { microserviceEnv, microserviceSettings } from './microservice-env';

const settings = (env: Record<string, string>) =>
  microserviceSettings('catalog', loadConfig(z.object(microserviceEnv(4002)), env));

describe('microserviceSettings', () => {
  it('keeps the embedded database in .data/<app> by default', () => {
    expect(settings({}).database).toEqual({ url: undefined, dataDir: '.data/catalog' });
  });

  it('treats DATA_DIR as the parent, so apps sharing one environment never share a database folder', () => {
    expect(settings({ DATA_DIR: '/var/lib/shop' }).database.dataDir).toBe('/var/lib/shop/catalog');
  });

  it('writes every plain per-message log line outside production, one in a hundred in it, unless told', () => {
    expect(settings({}).rpcLog).toEqual({ accessLogSampleRate: 1, slowMs: 1_000 });
    expect(settings({ NODE_ENV: 'production' }).rpcLog.accessLogSampleRate).toBe(0.01);
    expect(settings({ NODE_ENV: 'production', ACCESS_LOG_SAMPLE_RATE: '0.5', SLOW_REQUEST_MS: '200' }).rpcLog).toEqual({
      accessLogSampleRate: 0.5,
      slowMs: 200,
    });
  });
});
