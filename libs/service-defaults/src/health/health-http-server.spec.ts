import { type DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { startMicroservice } from '../bootstrap';
import { microserviceEnv, microserviceSettings } from '../config/microservice-env';
import { loadConfig } from '../config/load-config';
import { DATABASE_HANDLE } from '../database/database.module';
import { loggingModule } from '../logging/logging.module';
import { type HealthHttpServer, startHealthHttpServer } from './health-http-server';
import { HealthModule } from './health.module';
import { waitFor } from '@shop/testing';
import { z } from 'zod';

async function get(port: number, path: string, method = 'GET') {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: await response.json() };
}

describe('startHealthHttpServer', () => {
  let database: 'up' | 'down' | 'hung';
  let server: HealthHttpServer;
  let pings = 0;

  beforeEach(async () => {
    database = 'up';
    server = await startHealthHttpServer({
      host: '127.0.0.1',
      port: 0,
      ping: () => {
        pings += 1;
        return database === 'up'
          ? Promise.resolve()
          : database === 'down'
            ? Promise.reject(new Error('connection refused'))
            : new Promise(() => undefined);
      },
    });
  });

  afterEach(() => server.close());

  it('is live whatever the database does', async () => {
    database = 'down';
    expect(await get(server.port, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('is ready while the database answers', async () => {
    expect(await get(server.port, '/health/ready')).toEqual({ status: 200, body: { status: 'ok', database: 'up' } });
    expect((await get(server.port, '/health/ready?probe=1')).status).toBe(200);
  });

  it('is not ready when the database fails', async () => {
    database = 'down';
    expect(await get(server.port, '/health/ready')).toEqual({
      status: 503,
      body: { status: 'unavailable', database: 'down' },
    });
  });

  it('is not ready, in time for the probe, when the database hangs', async () => {
    database = 'hung';
    const started = Date.now();
    expect((await get(server.port, '/health/ready')).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('answers nothing else', async () => {
    expect((await get(server.port, '/health')).status).toBe(404);
    expect((await get(server.port, '/health/live', 'POST')).status).toBe(404);
  });

  it('closes at once, even with a probe waiting on a hung database, then answers nothing', async () => {
    database = 'hung';
    const before = pings;
    const waiting = fetch(`http://127.0.0.1:${server.port}/health/ready`).then(
      () => 'answered',
      () => 'dropped',
    );
    await waitFor('the probe to wait on the database', async () => pings > before);
    await server.close();
    // Dropped, not answered 503 when the ping timed out: closing did not wait for it, however
    // slowly a busy machine ran.
    expect(await waiting).toBe('dropped');
    await expect(fetch(`http://127.0.0.1:${server.port}/health/live`)).rejects.toThrow();
    server = { port: 0, close: () => Promise.resolve() };
  });
});

describe('startMicroservice with a health port', () => {
  const ping = jest.fn<Promise<void>, []>();

  @Module({})
  class TestAppModule {}
  @Module({ providers: [{ provide: DATABASE_HANDLE, useValue: { ping } }], exports: [DATABASE_HANDLE] })
  class TestDatabaseModule {}
  const testApp: DynamicModule = {
    module: TestAppModule,
    imports: [
      loggingModule({ service: 'test', level: 'silent' }),
      { module: TestDatabaseModule, global: true },
      HealthModule,
    ],
  };

  it('probes the app database over HTTP until the app closes', async () => {
    // Both ports 0: the app binds its own, and says in its log where (as a supervisor learns it).
    const said = jest.spyOn(Logger.prototype, 'log');
    const app = await startMicroservice(testApp, { host: '127.0.0.1', port: 0 }, { healthPort: 0 });
    const reported = said.mock.calls
      .map(([message]) => /^Health checks on http:\/\/127\.0\.0\.1:(\d+)\//.exec(String(message)))
      .find(Boolean);
    said.mockRestore();
    const healthPort = Number(reported?.[1]);

    ping.mockResolvedValue(undefined);
    expect((await get(healthPort, '/health/ready')).status).toBe(200);
    ping.mockRejectedValue(new Error('down'));
    expect((await get(healthPort, '/health/ready')).status).toBe(503);

    await app.close();
    await expect(fetch(`http://127.0.0.1:${healthPort}/health/live`)).rejects.toThrow();
  });

  it('reads HEALTH_PORT from the environment, unset by default', () => {
    const settings = (env: Record<string, string>) =>
      microserviceSettings('test', loadConfig(z.object(microserviceEnv(4001)), env));
    expect(settings({}).healthPort).toBeUndefined();
    expect(settings({ HEALTH_PORT: '9000' }).healthPort).toBe(9000);
    expect(() => settings({ HEALTH_PORT: '70000' })).toThrow(/HEALTH_PORT/);
  });
});
