import { z } from 'zod';
import { jwtSecret, nodeEnv, port, requiredInProduction, tcpUrl } from './env-fields';
import { ConfigError, loadConfig } from './load-config';

const schema = z
  .object({ NODE_ENV: nodeEnv, PORT: port(3000), JWT_SECRET: jwtSecret, AUTH_SERVICE_URL: tcpUrl(4001) })
  .superRefine(requiredInProduction('JWT_SECRET'));

describe('loadConfig', () => {
  it('applies defaults', () => {
    expect(loadConfig(schema, {})).toEqual({
      NODE_ENV: 'development',
      PORT: 3000,
      AUTH_SERVICE_URL: [{ host: '127.0.0.1', port: 4001 }],
    });
  });

  it('names a secret missing in production', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production' })).toThrow(
      new ConfigError('Invalid configuration:\n  JWT_SECRET: is required when NODE_ENV=production'),
    );
  });

  it('names every invalid value', () => {
    const load = () => loadConfig(schema, { PORT: 'eighty', JWT_SECRET: 'short', AUTH_SERVICE_URL: 'http://x' });
    expect(load).toThrow(/PORT: /);
    expect(load).toThrow(/JWT_SECRET: must be at least 32 characters/);
    expect(load).toThrow(/AUTH_SERVICE_URL: must look like tcp:\/\/host:port/);
  });

  it('reads several instances of an app', () => {
    expect(
      loadConfig(schema, { AUTH_SERVICE_URL: 'tcp://10.0.0.1:4001, tcp://auth-headless:4001' }).AUTH_SERVICE_URL,
    ).toEqual([
      { host: '10.0.0.1', port: 4001 },
      { host: 'auth-headless', port: 4001 },
    ]);
  });

  it('reads IPv6 addresses in brackets, and refuses them bare or malformed', () => {
    expect(loadConfig(schema, { AUTH_SERVICE_URL: 'tcp://[fd00::7]:4001,tcp://[::1]:4002' }).AUTH_SERVICE_URL).toEqual([
      { host: 'fd00::7', port: 4001 },
      { host: '::1', port: 4002 },
    ]);
    for (const bad of ['tcp://fd00::7:4001', 'tcp://[fd00::zz]:4001', 'tcp://[10.0.0.1]:4001']) {
      expect(() => loadConfig(schema, { AUTH_SERVICE_URL: bad })).toThrow(/AUTH_SERVICE_URL/);
    }
  });
});
