import {
  deliverEvents,
  type DomainEvent,
  EVENTS,
  type EventApp,
  type EventDeliveryOutcome,
  MAX_EVENTS_PER_DELIVERY,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { ServiceClient } from '../rpc/service-client';
import type { ServiceAddress } from '../rpc/service-endpoint';
import { type EventTransport, HandlerFailedError } from './event-transport';

/** One call: a consumer and the positions (in the round) of the events it is sent. */
export interface Delivery {
  app: EventApp;
  positions: number[];
}

/**
 * The calls that hand `events` to their consumers: for each app the catalogue names, the events it
 * consumes in their order, at most `max` per call. Events nobody consumes are in none.
 */
export function planDeliveries(
  events: readonly Pick<DomainEvent, 'type'>[],
  max = MAX_EVENTS_PER_DELIVERY,
): Delivery[] {
  const byApp = new Map<EventApp, number[]>();
  events.forEach((event, position) => {
    for (const app of EVENTS[event.type].consumers as readonly EventApp[]) {
      const positions = byApp.get(app) ?? [];
      positions.push(position);
      byApp.set(app, positions);
    }
  });
  return [...byApp].flatMap(([app, positions]) =>
    Array.from({ length: Math.ceil(positions.length / max) }, (_, i) => ({
      app,
      positions: positions.slice(i * max, (i + 1) * max),
    })),
  );
}

/**
 * Why a call left its events unsafe. An answer with a 4xx/5xx status is the handler's failure
 * (given up on after the last attempt); 503/504 mean nobody answered (waited for however long).
 */
export function failureOf(app: EventApp, error: unknown): Error {
  if (error instanceof AppError && error.status !== 503 && error.status !== 504) {
    return new HandlerFailedError(`${app}: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** What one event's outcome in an answer means for the relay: undefined once the consumer has it. */
export function outcomeFailure(app: EventApp, answer: EventDeliveryOutcome | undefined): Error | undefined {
  if (answer === undefined) return new HandlerFailedError(`${app}: no outcome for the event`);
  if (answer.outcome !== 'failed') return undefined;
  return failureOf(app, AppError.fromPayload(answer.error));
}

/**
 * The embedded path, when there is no broker: a round's events go to every app the catalogue names
 * as their consumer, over the apps' own TCP transport, in one call per consumer, and each event's
 * outcome in the answer is its ack. A consumer that already has an event (a retry after a partial
 * failure) deduplicates by event id.
 */
export class TcpEventTransport implements EventTransport {
  private readonly clients: Map<EventApp, ServiceClient>;

  constructor(addresses: Partial<Record<EventApp, ServiceAddress[]>>, timeoutMs: number) {
    this.clients = new Map(
      Object.entries(addresses).map(([app, targets]) => [
        app as EventApp,
        // Delivery is retry-safe (deduplicated by event id): a dropped connection is retried elsewhere.
        new ServiceClient(app, targets!, { timeoutMs }),
      ]),
    );
  }

  async publish(events: readonly DomainEvent[]): Promise<(Error | undefined)[]> {
    // An event with several consumers is safe only once each has it: the first failure is its answer.
    const failures: (Error | undefined)[] = events.map(() => undefined);
    await Promise.all(
      planDeliveries(events).map(async ({ app, positions }) => {
        let answers: (Error | undefined)[];
        try {
          const outcomes = await this.clients.get(app)!.call(
            deliverEvents,
            positions.map((position) => events[position]),
          );
          answers = positions.map((_, i) => outcomeFailure(app, outcomes[i]));
        } catch (error) {
          answers = positions.map(() => failureOf(app, error));
        }
        positions.forEach((position, i) => (failures[position] ??= answers[i]));
      }),
    );
    return failures;
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) client.close();
  }
}
