import type { DomainEvent } from '@shop/contracts';

/** How the relay hands events on: to RabbitMQ, or (embedded) to each consuming app over TCP. */
export interface EventTransport {
  /**
   * Hands a round's events on, and answers for each, in the order given, once it is settled:
   * undefined when it is safe (confirmed by the broker, or acknowledged by every consumer), else
   * why not. One event's failure never fails another's.
   */
  publish(events: readonly DomainEvent[]): Promise<(Error | undefined)[]>;
  close(): Promise<void>;
}

/** A consumer received the event and its handler failed (not: it could not be reached). */
export class HandlerFailedError extends Error {
  override name = 'HandlerFailedError';
}
