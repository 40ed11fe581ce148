import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  type INestMicroservice,
  Injectable,
  Module,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { ConfigError } from './config/load-config';
import type { DatabaseHandle } from './database/database';
import { DATABASE_HANDLE } from './database/database.module';
import { type HealthHttpServer, startHealthHttpServer } from './health/health-http-server';

/** Nest's app object ignores property writes, so the health server closes from a lifecycle hook. */
@Injectable()
class HealthHttpCloser implements BeforeApplicationShutdown {
  server?: HealthHttpServer;

  async beforeApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

@Module({})
class MicroserviceRoot {}

/**
 * Starts a TCP app and resolves once it accepts connections. With `healthPort`, it also answers
 * HTTP probes on that port (same host) until the app closes.
 */
export async function startMicroservice(
  module: DynamicModule,
  address: { host: string; port: number },
  { healthPort }: { healthPort?: number } = {},
): Promise<INestMicroservice> {
  const root = { module: MicroserviceRoot, imports: [module], providers: [HealthHttpCloser] };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(root, {
    transport: Transport.TCP,
    options: address,
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  await app.listen();
  logger.log(`Listening on tcp://${address.host}:${address.port}`, 'Bootstrap');
  if (healthPort !== undefined) {
    const database = app.get<DatabaseHandle<Record<string, unknown>>>(DATABASE_HANDLE);
    const health = await startHealthHttpServer({ host: address.host, port: healthPort, ping: () => database.ping() });
    app.get(HealthHttpCloser).server = health;
    logger.log(`Health checks on http://${address.host}:${health.port}/health/{live,ready}`, 'Bootstrap');
  }
  return app;
}

/**
 * Entry point of every app: a configuration error stops it with a message naming each bad
 * variable; SIGTERM and SIGINT close it cleanly (database pool included).
 */
export function runApp(start: () => Promise<{ enableShutdownHooks(): unknown }>): void {
  start()
    .then((app) => app.enableShutdownHooks())
    .catch((error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : error);
      process.exit(1);
    });
}
