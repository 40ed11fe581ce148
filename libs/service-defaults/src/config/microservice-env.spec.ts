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
});
