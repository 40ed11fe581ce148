import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RunningApp, validationPipe } from '@shop/service-defaults';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { CatalogReadCache } from './catalog/catalog-read-cache';
import { installCachedProductReads } from './catalog/cached-product.hook';
import { ProductsController } from './catalog/products.controller';
import { setupSwagger } from './docs/swagger';
import { countRequestsInFlight, stopAccepting } from './http/drain';
import type { GatewayConfig } from './gateway.config';
import { GLOBAL_GUARDS, GatewayModule } from './gateway.module';
import { installAccessLog } from './http/access-log.hook';
import { API_PREFIX } from './http/api-prefix';
import { installFastifyHooks } from './http/fastify-hooks';
import { onClientError, onFrameworkError } from './http/framework-errors';
import { requestIdFor } from './http/request-id';
import { installHttpMetrics } from './metrics/http-metrics.hook';
import { OrdersController } from './orders/orders.controller';
import { installOwnOrderReads } from './orders/own-order.hook';

/** The gateway with every route, hook and pipe in place, not yet listening. */
export async function createGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    genReqId: requestIdFor,
    // request.ip honours X-Forwarded-For only when the connection comes from one of these.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    // Closing cuts the connections still open: by then the bounded wait for requests in flight
    // is over (see runApp), and Fastify's default would wait for them without limit.
    forceCloseConnections: true,
    // Errors met before any hook runs are problems too, with a code and a request id.
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
    // A missing Host is refused by our own hook, as problem+json; Node's answer has no body.
    http: { requireHostHeader: false },
    // No Nest middleware runs here (the access log is a Fastify hook), so none of its per-request cost.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), adapter, {
    bufferLogs: true,
    // Fastify's JSON parser stays, wrapped by installFastifyHooks; Nest must not add its own.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(validationPipe());
  installFastifyHooks(app.getHttpAdapter().getInstance());
  countRequestsInFlight(app.getHttpAdapter().getInstance());
  // The pino instance Nest's Logger writes to (no request's own: there is no per-request logger).
  const { logger } = await app.resolve(PinoLogger);
  installAccessLog(app.getHttpAdapter().getInstance(), logger, config.accessLog);
  installHttpMetrics(app.getHttpAdapter().getInstance());
  const guards = GLOBAL_GUARDS.map((guard) => app.get(guard));
  installCachedProductReads(
    app.getHttpAdapter().getInstance(),
    app.get(CatalogReadCache),
    app.get(ProductsController),
    guards,
  );
  installOwnOrderReads(app.getHttpAdapter().getInstance(), app.get(OrdersController), guards);
  return app;
}

export async function startGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  const app = await createGateway(config);
  setupSwagger(app);
  await app.listen(config.address.port, config.address.host);
  // With PORT=0 the system chose the port: this line is how a supervisor (or a test) learns it.
  const { port } = app.getHttpServer().address() as AddressInfo;
  app.get(Logger).log(`Listening on http://${config.address.host}:${port}`, 'Bootstrap');
  return app;
}

/** The gateway as {@link runApp} stops it: draining, then no new connections, then closed. */
export async function runGateway(config: GatewayConfig): Promise<RunningApp> {
  const app = await startGateway(config);
  return { close: () => app.close(), stopAccepting: () => stopAccepting(app.getHttpAdapter().getInstance()) };
}
