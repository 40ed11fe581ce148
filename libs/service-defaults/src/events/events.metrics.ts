import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics';

const registers = [metricsRegistry];

/** Per event type; the outbox's depth and age are gauges the relay registers (they read its table). */
export const eventMetrics = {
  published: new Counter({
    name: 'shop_events_published_total',
    help: 'Events the outbox relay handed to the broker (or, embedded, to every consumer), by type',
    labelNames: ['type'] as const,
    registers,
  }),
  consumed: new Counter({
    name: 'shop_events_consumed_total',
    help: 'Events a consumer handled (duplicates included, handled once), by type',
    labelNames: ['type'] as const,
    registers,
  }),
  retried: new Counter({
    name: 'shop_events_retried_total',
    help: 'Failed publications or handlings scheduled again with backoff, by type',
    labelNames: ['type'] as const,
    registers,
  }),
  deadLettered: new Counter({
    name: 'shop_events_dead_lettered_total',
    help: 'Events given up on after the last attempt, or malformed (type "malformed"), by type',
    labelNames: ['type'] as const,
    registers,
  }),
};
