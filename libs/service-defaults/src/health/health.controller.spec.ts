import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DATABASE_HANDLE } from '../database/database.module';
import { HEALTH_DEPENDENCIES, type HealthDependency } from './health-dependencies';
import { HealthController } from './health.controller';

/** A feature module of the app that registers its checks without exporting them. */
const feature = (dependencies: HealthDependency[]): DynamicModule => {
  @Module({})
  class FeatureModule {}
  return { module: FeatureModule, providers: [{ provide: HEALTH_DEPENDENCIES, useValue: dependencies }] };
};

/** The shared controller in its own module, as MicroserviceDefaultsModule hosts it, next to `features`. */
async function startHealth(...features: DynamicModule[]) {
  const database: Provider = { provide: DATABASE_HANDLE, useValue: { ping: () => Promise.resolve() } };
  @Module({ controllers: [HealthController], providers: [database] })
  class DefaultsModule {}
  @Module({ imports: [DefaultsModule, ...features] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  closing.push(() => app.close());
  return app.get(HealthController);
}
const closing: (() => Promise<void>)[] = [];
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
});
