import { Gauge } from 'prom-client';
import { metricsRegistry } from './metrics';

interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const pools = new Set<PoolCounts>();

new Gauge({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections, by state (total, idle, waiting for one)',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  collect() {
    // Read at scrape time: pg keeps the counts itself, so nothing is updated per query.
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of pools) {
      total += pool.totalCount;
      idle += pool.idleCount;
      waiting += pool.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
});

/** Reports a pool's use in `db_pool_connections` until the returned function is called. */
export function observePool(pool: PoolCounts): () => void {
  pools.add(pool);
  return () => void pools.delete(pool);
}
