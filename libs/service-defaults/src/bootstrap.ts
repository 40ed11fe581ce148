import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  type INestMicroservice,
  Injectable,
  Logger as NestLogger,
  Module,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AddressInfo, Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { positiveInt } from './config/env-fields';
import { ConfigError, loadConfig } from './config/load-config';
import { lifecycle } from './lifecycle';
import { ContractServer } from './rpc/contract-server';
import { HealthController } from './health/health.controller';
import { type HealthHttpServer, startHealthHttpServer } from './health/health-http-server';
import { StartupLogger } from './logging/startup-logger';

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
  const app = await NestFactory.createMicroservice(root, { strategy: new ContractServer(address), bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  await app.listen();
  // With port 0 the system chose the port: this line is how a supervisor (or a test) learns it.
  const { port } = app.unwrap<Server>().address() as AddressInfo;
  logger.log(`Listening on tcp://${address.host}:${port}`, 'Bootstrap');
  if (healthPort !== undefined) {
    // The same readiness the app answers over TCP: draining, or its database down, is not ready.
    const readiness = app.get(HealthController, { strict: false });
    const health = await startHealthHttpServer({
      host: address.host,
      port: healthPort,
      ping: async () => {
        if ((await readiness.check()).status !== 'up') throw new Error('not ready');
      },
    });
    app.get(HealthHttpCloser).server = health;
    logger.log(`Health checks on http://${address.host}:${health.port}/health/{live,ready}`, 'Bootstrap');
  }
  return app;
}

/**
 * How long no message may have arrived before a stopping app closes: a caller's probe round
 * (asked every second, 1 s to answer). A caller that has not yet seen the app turn not-ready
 * (its probes run late on a busy machine) still sends to it; closing under such a message would
 * fail it, and a call that is not safe to repeat (placing an order) could not go elsewhere.
 */
const QUIET_BEFORE_CLOSE_MS = 2_000;

/** How long a stopping process keeps serving after it turned not-ready, and at most how long it then waits for work in flight. */
const shutdownEnv = z.object({ SHUTDOWN_DRAIN_MS: positiveInt(3_000), SHUTDOWN_TIMEOUT_MS: positiveInt(10_000) });

/** What {@link runApp} starts and later stops. */
export interface RunningApp {
  /** Closes everything (database pool included); work still in flight may be cut off. */
  close(): Promise<void>;
  /**
   * After the drain: take no new connections, so waiting for work in flight can end. Without
   * it (TCP apps) the callers' probes have stopped sending by then.
   */
  stopAccepting?(): void;
}

/**
 * Entry point of every app: a configuration error stops it with a message naming each bad
 * variable. SIGTERM or SIGINT drains it: readiness turns false at once so callers move their
 * traffic elsewhere, it keeps serving for SHUTDOWN_DRAIN_MS, stops accepting connections, waits
 * up to SHUTDOWN_TIMEOUT_MS for work in flight, then closes (database pool included) and exits 0.
 * Every line it writes, from the first, is JSON: until the app's own logger takes over, Nest logs
 * through a {@link StartupLogger}.
 */
export function runApp(start: () => Promise<RunningApp>, { service }: { service: string }): void {
  const startup = new StartupLogger(service);
  NestLogger.overrideLogger(startup);
  let drain: z.output<typeof shutdownEnv>;
  try {
    drain = loadConfig(shutdownEnv, process.env);
  } catch (error) {
    startup.pino.fatal((error as Error).message);
    process.exit(1);
  }
  // `start` loads the config synchronously: a ConfigError it throws must land in the catch below.
  Promise.resolve()
    .then(start)
    .then((app) => {
      const stop = async (signal: NodeJS.Signals) => {
        if (lifecycle.draining) return;
        lifecycle.draining = true;
        const logger = new NestLogger('Shutdown');
        logger.log(`${signal}: not ready any more; draining for ${drain.SHUTDOWN_DRAIN_MS} ms`);
        await sleep(drain.SHUTDOWN_DRAIN_MS);
        app.stopAccepting?.();
        logger.log(`Drained; waiting for ${lifecycle.inFlight} in flight`);
        const deadline = Date.now() + drain.SHUTDOWN_TIMEOUT_MS;
        const busy = () => lifecycle.inFlight > 0 || Date.now() - lifecycle.lastMessageAt < QUIET_BEFORE_CLOSE_MS;
        while (busy() && Date.now() < deadline) await sleep(50);
        if (lifecycle.inFlight > 0) logger.warn(`Closing with ${lifecycle.inFlight} still in flight`);
        await app.close();
        process.exit(0);
      };
      process.once('SIGTERM', (signal) => void stop(signal));
      process.once('SIGINT', (signal) => void stop(signal));
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError) startup.pino.fatal(error.message);
      else startup.pino.fatal({ err: error }, 'Start-up failed');
      process.exit(1);
    });
}
