import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One registry per process, served at `GET /metrics` (the gateway's HTTP server, an app's
 * health port). Module singletons on purpose: a business event is counted with one line where
 * it happens, without threading a service through every constructor.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** Seconds; from a cached read (~1 ms) to a request that hits the RPC deadline (5 s). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const registers = [metricsRegistry];

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests served, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: DURATION_BUCKETS,
  registers,
});

export const rpcServerDuration = new Histogram({
  name: 'rpc_server_duration_seconds',
  help: 'TCP messages handled, by pattern and outcome (ok, failed: any error the handler returned)',
  labelNames: ['pattern', 'outcome'] as const,
  buckets: DURATION_BUCKETS,
  registers,
});

export const rpcClientDuration = new Histogram({
  name: 'rpc_client_duration_seconds',
  help: 'Calls to an app, by service, pattern and outcome (ok, refused: a 4xx answer, error, timeout, unavailable)',
  labelNames: ['service', 'pattern', 'outcome'] as const,
  buckets: DURATION_BUCKETS,
  registers,
});

/** Business events, each counted where it happens. */
export const businessMetrics = {
  ordersPlaced: new Counter({ name: 'shop_orders_placed_total', help: 'Orders placed (pending)', registers }),
  ordersRejectedForStock: new Counter({
    name: 'shop_orders_rejected_stock_total',
    help: 'Orders refused because the catalog had too few units',
    registers,
  }),
  versionConflicts: new Counter({
    name: 'shop_version_conflicts_total',
    help: 'Product writes refused because the client sent a stale version',
    registers,
  }),
  loginFailures: new Counter({ name: 'shop_login_failures_total', help: 'Logins refused', registers }),
  rateLimited: new Counter({
    name: 'shop_rate_limited_requests_total',
    help: 'Requests refused with 429, by what the tripped limit counts (ip, user, email)',
    labelNames: ['by'] as const,
    registers,
  }),
};
