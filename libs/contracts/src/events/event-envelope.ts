/**
 * What travels for every domain event, whatever carries it (RabbitMQ or the embedded TCP path).
 * The envelope is written to the producer's outbox in the transaction that caused the event.
 */
export interface EventEnvelope<TType extends string = string, TPayload = unknown> {
  /** UUID; consumers deduplicate by it (delivery is at least once). */
  id: string;
  type: TType;
  /** The payload's schema version, from the event catalogue. */
  schemaVersion: number;
  /** ISO 8601, when the producer's transaction ran. */
  occurredAt: string;
  /** The entity the event is about (an order, a product, a user); events of one aggregate are published in order. */
  aggregateId: string;
  /** Counts the aggregate's changes, so a consumer can tell an old event from a newer one. */
  aggregateVersion: number;
  /** The request that caused it, for logs across apps (`internal` for jobs). */
  requestId: string;
  /** W3C trace context of the causing request, when it was traced. */
  traceparent?: string;
  tracestate?: string;
  payload: TPayload;
}
