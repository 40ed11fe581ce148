import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { ConfigError } from './config/load-config';

/** Starts a TCP app and resolves once it accepts connections. */
export async function startMicroservice(
  module: DynamicModule,
  address: { host: string; port: number },
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    transport: Transport.TCP,
    options: address,
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  await app.listen();
  logger.log(`Listening on tcp://${address.host}:${address.port}`, 'Bootstrap');
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
