import { deliverEvent, type DomainEvent, EVENTS, type EventApp } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { ServiceClient } from '../rpc/service-client';
import type { ServiceAddress } from '../rpc/service-endpoint';
import { type EventTransport, HandlerFailedError } from './event-transport';

/**
 * The embedded path, when there is no broker: each event goes to every app the catalogue names as
 * its consumer, over the apps' own TCP transport, and the consumer's answer is the ack. A consumer
 * that already has it (a retry after a partial failure) deduplicates by event id.
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

  async publish(event: DomainEvent): Promise<void> {
    await Promise.all(
      EVENTS[event.type].consumers.map(async (app: EventApp) => {
        try {
          await this.clients.get(app)!.call(deliverEvent, event);
        } catch (error) {
          // An answer with a 4xx/5xx status is the handler's failure; 503/504 mean nobody answered.
          if (error instanceof AppError && error.status !== 503 && error.status !== 504) {
            throw new HandlerFailedError(`${app}: ${error.message}`);
          }
          throw error;
        }
      }),
    );
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) client.close();
  }
}
