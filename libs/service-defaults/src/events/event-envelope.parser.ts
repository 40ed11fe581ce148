import { type DomainEvent, EVENTS, isEventType } from '@shop/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { acceptCheck } from '../validation/accept-check';

/** A message no handler can make sense of: retrying cannot help, so it is dead-lettered at once. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks an arriving envelope against the event catalogue: a known type at the schema version this
 * code was built for, and a payload that validates as that type's payload class.
 */
export function parseEventEnvelope(raw: unknown): DomainEvent {
  if (typeof raw !== 'object' || raw === null) throw new MalformedEventError('not a JSON object');
  const event = raw as Record<string, unknown>;
  if (typeof event.id !== 'string' || !UUID.test(event.id)) throw new MalformedEventError('id must be a UUID');
  if (!isEventType(event.type)) throw new MalformedEventError(`unknown event type ${JSON.stringify(event.type)}`);
  const declared = EVENTS[event.type];
  if (event.schemaVersion !== declared.version) {
    throw new MalformedEventError(
      `${event.type} schema version ${String(event.schemaVersion)} is not ${declared.version}`,
    );
  }
  for (const field of ['occurredAt', 'aggregateId', 'requestId'] as const) {
    if (typeof event[field] !== 'string') throw new MalformedEventError(`${field} must be a string`);
  }
  if (!Number.isInteger(event.aggregateVersion)) throw new MalformedEventError('aggregateVersion must be an integer');
  if (typeof event.payload !== 'object' || event.payload === null)
    throw new MalformedEventError('payload must be an object');
  const payloadClass: new () => object = declared.payload;
  // Every event a consumer receives goes through here: the usual payload is taken by the check
  // compiled from the class's own rules, and only the rest by class-validator (which names the faults).
  if (acceptCheck(payloadClass)?.(event.payload)) return raw as DomainEvent;
  const errors = validateSync(plainToInstance(payloadClass, event.payload), { forbidUnknownValues: true });
  if (errors.length) {
    throw new MalformedEventError(`payload: ${errors.map((error) => error.property).join(', ')} invalid`);
  }
  return raw as DomainEvent;
}
