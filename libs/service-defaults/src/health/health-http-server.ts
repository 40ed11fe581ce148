import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from '../metrics/metrics';

/** A probe must get its answer before its own timeout (Kubernetes defaults to 1 s, ours is 3 s). */
const PING_TIMEOUT_MS = 2_000;

export interface HealthHttpServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Kubernetes and Docker probe over HTTP, and a TCP app speaks only Nest's TCP protocol: this
 * answers `GET /health/live` while the process runs and `GET /health/ready` while `ping` resolves,
 * and serves the process's metrics at `GET /metrics` for Prometheus.
 */
export async function startHealthHttpServer(options: {
  host: string;
  port: number;
  ping: () => Promise<void>;
}): Promise<HealthHttpServer> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: object) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const path = request.url?.split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      return void metricsRegistry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
        () => reply(500, { status: 'metrics failed' }),
      );
    }
    if (request.method !== 'GET' || (path !== '/health/live' && path !== '/health/ready')) {
      return reply(404, { status: 'not found' });
    }
    if (path === '/health/live') return reply(200, { status: 'ok' });
    withTimeout(options.ping(), PING_TIMEOUT_MS).then(
      () => reply(200, { status: 'ok', database: 'up' }),
      () => reply(503, { status: 'unavailable', database: 'down' }),
    );
  });
  await listen(server, options.port, options.host);
  return {
    port: (server.address() as AddressInfo).port,
    close: () => shut(server),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function shut(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // A probe waiting on a hung database ping would otherwise hold the shutdown for its timeout.
    server.closeAllConnections();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
