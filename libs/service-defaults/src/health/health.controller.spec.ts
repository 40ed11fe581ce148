import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DATABASE_HANDLE } from '../database/database.module';
import { HEALTH_DEPENDENCIES, type HealthDependency } from './health-dependencies';
import { HealthController } from './health.controller';
import { HealthModule } from './health.module';

/** A feature module of the app that registers its checks without exporting them. */
const feature = (dependencies: HealthDependency[]): DynamicModule => {
  @Module({})
  class FeatureModule {}
  return { module: FeatureModule, providers: [{ provide: HEALTH_DEPENDENCIES, useValue: dependencies }] };
};

/** The shared health module, as MicroserviceDefaultsModule imports it, next to `features`. */
async function startHealth(...features: DynamicModule[]) {
  const database: Provider = { provide: DATABASE_HANDLE, useValue: { ping: () => databasePing() } };
  @Module({ providers: [database], exports: [database] })
  class DatabaseModule {}
  const globalDatabase: DynamicModule = { module: DatabaseModule, global: true };
  @Module({ imports: [globalDatabase, HealthModule, ...features] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  closing.push(() => app.close());
  return app.get(HealthController);
}
const closing: (() => Promise<void>)[] = [];
let databasePing: () => Promise<void>;
beforeEach(() => (databasePing = () => Promise.resolve()));
afterEach(() => Promise.all(closing.splice(0).map((close) => close())));

describe('HealthController', () => {
  it('answers as before when the app registered no dependency', async () => {
    expect(await (await startHealth()).check()).toEqual({ status: 'up', database: 'up' });
  });

  it('reports every registered dependency, from any module, without letting it decide readiness', async () => {
    let redis: 'up' | 'down' = 'down';
    const health = await startHealth(
      feature([{ name: 'redis', status: () => redis }]),
      feature([{ name: 'search', status: () => 'up' }]),
    );
    expect(await health.check()).toEqual({
      status: 'up',
      database: 'up',
      dependencies: { redis: 'down', search: 'up' },
    });
    // Asked again on every check, not remembered from the first.
    redis = 'up';
    expect((await health.check()).dependencies).toEqual({ redis: 'up', search: 'up' });
  });

  it("is down, database down, when Terminus's database indicator fails, and says so in time", async () => {
    const health = await startHealth();
    databasePing = () => Promise.reject(new Error('connection refused'));
    expect(await health.check()).toEqual({ status: 'down', database: 'down' });
    databasePing = () => new Promise(() => undefined);
    const started = Date.now();
    expect(await health.check()).toEqual({ status: 'down', database: 'down' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
