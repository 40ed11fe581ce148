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

/** Events one delivery carries at most (the relay's round is no larger); a longer batch is refused whole. */
export const MAX_EVENTS_PER_DELIVERY = 100;

/** A consumer's answer for one event of a delivery: handled now, handled before, or why not. */
export type EventDeliveryOutcome =
  | { outcome: 'handled' | 'duplicate' }
  /** What the event's handling failed with, as any failed call answers (status, stable code, detail). */
  | { outcome: 'failed'; error: { status: number; code: string; detail: string } };

/**
 * The embedded delivery path's one operation, served by every consuming app: the producer's relay
 * sends a round's events to each consumer in one call and takes each event's outcome, answered in
 * the order sent, as its ack; an event that failed (a malformed envelope, a handler's error) fails
 * alone. Retry-safe: consumers deduplicate by event id. Each envelope is checked against the
 * catalogue by the receiving app (`parseEventEnvelope`), so the request has no validated class.
 */
export const deliverEvents = {
  pattern: 'events.deliver-many',
  request: Array as unknown as RequestClass<DomainEvent[]>,
  response: returns<EventDeliveryOutcome[]>(),
  retrySafe: true,
} satisfies OperationSpec<DomainEvent[], EventDeliveryOutcome[]>;
