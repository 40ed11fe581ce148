import { EVENTS } from '@shop/contracts';
import { randomUUID } from 'node:crypto';
import { acceptCheck } from '../validation/accept-check';
import { MalformedEventError, parseEventEnvelope } from './event-envelope.parser';

const valid = () => ({
  id: randomUUID(),
  type: 'order.paid',
  schemaVersion: EVENTS['order.paid'].version,
  occurredAt: new Date().toISOString(),
  aggregateId: randomUUID(),
  aggregateVersion: 2,
  requestId: 'req-1',
  payload: {
    orderId: randomUUID(),
    userId: randomUUID(),
    status: 'paid',
    total: 4980,
    currency: 'EUR',
    lines: [{ productId: randomUUID(), sku: 'A', name: 'A', unitPrice: 2490, quantity: 2, lineTotal: 4980 }],
  },
});

describe('parseEventEnvelope', () => {
  it('accepts an event that matches the catalogue', () => {
    const event = valid();
    expect(parseEventEnvelope(event)).toBe(event);
  });

  it('takes the usual payload of every event type by a compiled check, without class-validator', () => {
    const uncompiled = Object.entries(EVENTS).filter(([, { payload }]) => acceptCheck(payload) === null);
    expect(uncompiled.map(([type]) => type)).toEqual([]);
    expect(acceptCheck(EVENTS['order.paid'].payload)!(valid().payload)).toBeDefined();
  });

  it.each([
    ['not an object', 'order.paid'],
    ['a bad id', { ...valid(), id: 'x' }],
    ['an unknown type', { ...valid(), type: 'order.lost' }],
    ['another schema version', { ...valid(), schemaVersion: 99 }],
    ['no request id', { ...valid(), requestId: undefined }],
    ['a fractional aggregate version', { ...valid(), aggregateVersion: 1.5 }],
    ['a payload of the wrong shape', { ...valid(), payload: { ...valid().payload, total: '49.80' } }],
    ['a bad line', { ...valid(), payload: { ...valid().payload, lines: [{ productId: 'x' }] } }],
  ])('refuses %s', (_, raw) => {
    expect(() => parseEventEnvelope(raw)).toThrow(MalformedEventError);
  });
});
