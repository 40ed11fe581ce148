import { UserEventPayload } from './auth.events';
import { ProductDeletedPayload, ProductEventPayload, StockChangedPayload } from './catalog.events';
import { type OperationSpec, type RequestClass, returns } from '../contract';
import type { EventEnvelope } from './event-envelope';
import { OrderEventPayload, OrderReasonPayload, OrderRefundedPayload, OrderShippedPayload } from './order.events';

/** Apps that produce or consume events; each consumer has its own durable queue. */
export type EventApp = 'auth' | 'catalog' | 'orders' | 'notifications';

interface EventDeclaration {
  /** Bumped when the payload changes incompatibly; consumers refuse versions they do not know. */
  version: number;
  producer: EventApp;
  /** Who receives it: the embedded path delivers to exactly these, RabbitMQ binds their queues. */
  consumers: readonly EventApp[];
  /** Validated on arrival: a payload that does not match is malformed and dead-lettered. */
  payload: new () => object;
}

/**
 * Every domain event, declared once: producers type what they write by it, consumers what they
 * handle, and the README's event catalogue is this table.
 */
export const EVENTS = {
  'order.placed': { version: 1, producer: 'orders', consumers: ['notifications'], payload: OrderEventPayload },
  'order.paid': { version: 1, producer: 'orders', consumers: ['notifications'], payload: OrderEventPayload },
  'order.payment_failed': { version: 1, producer: 'orders', consumers: [], payload: OrderReasonPayload },
  'order.shipped': { version: 1, producer: 'orders', consumers: ['notifications'], payload: OrderShippedPayload },
  'order.delivered': { version: 1, producer: 'orders', consumers: ['notifications'], payload: OrderEventPayload },
  'order.cancelled': { version: 1, producer: 'orders', consumers: ['notifications'], payload: OrderReasonPayload },
  'order.refunded': { version: 1, producer: 'orders', consumers: ['notifications'], payload: OrderRefundedPayload },
  'product.created': { version: 1, producer: 'catalog', consumers: [], payload: ProductEventPayload },
  'product.updated': { version: 1, producer: 'catalog', consumers: [], payload: ProductEventPayload },
  'product.deleted': { version: 1, producer: 'catalog', consumers: [], payload: ProductDeletedPayload },
  'stock.changed': { version: 1, producer: 'catalog', consumers: [], payload: StockChangedPayload },
  'user.registered': { version: 1, producer: 'auth', consumers: [], payload: UserEventPayload },
  'user.updated': { version: 1, producer: 'auth', consumers: [], payload: UserEventPayload },
} as const satisfies Record<string, EventDeclaration>;

export type EventType = keyof typeof EVENTS;
export type EventPayload<T extends EventType> = InstanceType<(typeof EVENTS)[T]['payload']>;
export type DomainEvent<T extends EventType = EventType> = EventEnvelope<T, EventPayload<T>>;

export const isEventType = (type: unknown): type is EventType =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, type);

/** The event types an app consumes, from the catalogue. */
export const eventsConsumedBy = (app: EventApp): EventType[] =>
  (Object.keys(EVENTS) as EventType[]).filter((type) => (EVENTS[type].consumers as readonly EventApp[]).includes(app));

/**
 * The embedded delivery path's one operation, served by every consuming app: the producer's relay
 * sends each event to each consumer and takes the answer as the ack. Retry-safe: consumers
 * deduplicate by event id. The envelope is checked against the catalogue by the receiving app
 * (`parseEventEnvelope`), so the request has no validated class of its own.
 */
export const deliverEvent = {
  pattern: 'events.deliver',
  request: Object as unknown as RequestClass<DomainEvent>,
  response: returns<{ outcome: 'handled' | 'duplicate' }>(),
  retrySafe: true,
} satisfies OperationSpec<DomainEvent, { outcome: 'handled' | 'duplicate' }>;
