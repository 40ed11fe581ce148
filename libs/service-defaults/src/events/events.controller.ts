import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  deliverEvents,
  type DomainEvent,
  ErrorCode,
  type EventDeliveryOutcome,
  MAX_EVENTS_PER_DELIVERY,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { currentRequestId, requestContext } from '../logging/request-context';
import { Handles } from '../rpc/handles.decorator';
import { toErrorPayload } from '../rpc/rpc-error.filter';
import { EventDispatcher } from './event-dispatcher';
import { MalformedEventError, parseEventEnvelope } from './event-envelope.parser';

/**
 * The embedded path's receiving end: a producer's relay sends a round's events here in one call,
 * and each event's outcome is its ack. The events are dispatched together, so their processed
 * marks share a statement ({@link ProcessedMarkBatcher}); one that fails (malformed, or its
 * handler threw) fails alone and is logged on its own line with its request id.
 */
@Controller()
export class EventsController {
  private readonly logger = new Logger('Events');

  constructor(private readonly dispatcher: EventDispatcher) {}

  // Typed as the sender builds it; every element is checked here, since anything may arrive.
  @Handles(deliverEvents)
  async deliver(@Payload('data') events: DomainEvent[]): Promise<EventDeliveryOutcome[]> {
    if (!Array.isArray(events) || events.length > MAX_EVENTS_PER_DELIVERY) {
      throw new AppError(
        400,
        ErrorCode.ValidationFailed,
        `a delivery is an array of at most ${MAX_EVENTS_PER_DELIVERY} events`,
      );
    }
    const outcomes = await Promise.all(events.map((raw: unknown) => this.deliverOne(raw)));
    const count = (outcome: EventDeliveryOutcome['outcome']) =>
      outcomes.filter((answer) => answer.outcome === outcome).length;
    // One line per delivery: each failure had its own, with its request id.
    this.logger.log(
      {
        eventIds: events.map(idOf),
        handled: count('handled'),
        duplicates: count('duplicate'),
        failed: count('failed'),
      },
      `Consumed ${events.length - count('failed')} of ${events.length} events`,
    );
    return outcomes;
  }

  private async deliverOne(raw: unknown): Promise<EventDeliveryOutcome> {
    try {
      return { outcome: await this.dispatcher.dispatch(parseEventEnvelope(raw)) };
    } catch (exception) {
      const { requestId, type } = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<DomainEvent>;
      const context = { requestId: typeof requestId === 'string' ? requestId : (currentRequestId() ?? 'internal') };
      return requestContext.run(context, () => {
        const { status, code, detail } = toErrorPayload(
          exception instanceof MalformedEventError
            ? new AppError(400, ErrorCode.ValidationFailed, exception.message)
            : exception,
          this.logger,
        );
        this.logger.warn(
          { eventId: idOf(raw), type, status, code, error: detail },
          `Handling ${String(type)} failed: ${detail}`,
        );
        return { outcome: 'failed' as const, error: { status, code, detail } };
      });
    }
  }
}

const idOf = (raw: unknown): unknown => (typeof raw === 'object' && raw !== null ? (raw as DomainEvent).id : undefined);
