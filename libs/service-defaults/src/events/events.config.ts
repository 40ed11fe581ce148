import { EVENTS, type EventApp, type EventType } from '@shop/contracts';
import { z } from 'zod';
import { positiveInt, tcpUrl } from '../config/env-fields';
import { loadConfig } from '../config/load-config';
import type { ServiceAddress } from '../rpc/service-endpoint';

/** Where each app listens by default, for the embedded path's `<APP>_SERVICE_URL`. */
const DEFAULT_PORTS: Record<EventApp, number> = { auth: 4001, catalog: 4002, orders: 4003, notifications: 4004 };

/** The apps that consume what `service` produces: its relay delivers to them when there is no broker. */
export const consumersOf = (service: EventApp): EventApp[] => [
  ...new Set(
    (Object.keys(EVENTS) as EventType[])
      .filter((type) => EVENTS[type].producer === service)
      .flatMap((type) => EVENTS[type].consumers),
  ),
];

const amqpUrl = z
  .string()
  .regex(/^amqps?:\/\/\S+$/, 'must look like amqp://user:password@host:5672')
  .optional();

/**
 * The event settings every app reads. Without RABBITMQ_URL events travel the embedded path: the
 * producer's relay sends each one to its consumers over TCP, at their `<APP>_SERVICE_URL`.
 */
export function loadEventsConfig(service: EventApp, env: Record<string, string | undefined>) {
  const consumers = consumersOf(service);
  const schema = z.object({
    RABBITMQ_URL: amqpUrl,
    /** Names the exchanges and queues, so several systems (tests) can share one broker. */
    RABBITMQ_PREFIX: z
      .string()
      .regex(/^[a-z0-9_.-]+$/i)
      .default('shop'),
    OUTBOX_POLL_MS: positiveInt(250),
    OUTBOX_RETENTION_HOURS: positiveInt(7 * 24),
    EVENT_MAX_ATTEMPTS: positiveInt(5),
    EVENT_RETRY_BASE_MS: positiveInt(1000),
    EVENT_DELIVERY_TIMEOUT_MS: positiveInt(5000),
    ...Object.fromEntries(consumers.map((app) => [serviceUrlVariable(app), tcpUrl(DEFAULT_PORTS[app])])),
  });
  const values = loadConfig(schema, env) as z.output<typeof schema> & Record<string, ServiceAddress[]>;
  return {
    service,
    rabbitmqUrl: values.RABBITMQ_URL,
    rabbitmqPrefix: values.RABBITMQ_PREFIX,
    pollMs: values.OUTBOX_POLL_MS,
    retentionHours: values.OUTBOX_RETENTION_HOURS,
    maxAttempts: values.EVENT_MAX_ATTEMPTS,
    retryBaseMs: values.EVENT_RETRY_BASE_MS,
    deliveryTimeoutMs: values.EVENT_DELIVERY_TIMEOUT_MS,
    /** Embedded path only: where each consumer of this app's events listens. */
    consumerAddresses: Object.fromEntries(consumers.map((app) => [app, values[serviceUrlVariable(app)]])) as Partial<
      Record<EventApp, ServiceAddress[]>
    >,
  };
}

export type EventsConfig = ReturnType<typeof loadEventsConfig>;

const serviceUrlVariable = (app: EventApp) => `${app.toUpperCase()}_SERVICE_URL`;
