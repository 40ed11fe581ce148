import type { DomainEvent } from '@shop/contracts';

/** How the relay hands an event on: to RabbitMQ, or (embedded) to each consuming app over TCP. */
export interface EventTransport {
  /** Resolves once the event is safe: confirmed by the broker, or acknowledged by every consumer. */
  publish(event: DomainEvent): Promise<void>;
  close(): Promise<void>;
}

/** A consumer received the event and its handler failed (not: it could not be reached). */
export class HandlerFailedError extends Error {
  override name = 'HandlerFailedError';
}
