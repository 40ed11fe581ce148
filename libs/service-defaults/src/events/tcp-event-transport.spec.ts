import type { EventType } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { HandlerFailedError } from './event-transport';
import { failureOf, outcomeFailure, planDeliveries } from './tcp-event-transport';

const events = (...types: EventType[]) => types.map((type) => ({ type }));

describe('planDeliveries', () => {
  it("sends each consumer the round's events it consumes, in order, in one call", () => {
    expect(
      planDeliveries(events('order.placed', 'order.payment_failed', 'product.updated', 'order.paid', 'order.shipped')),
    ).toEqual([{ app: 'notifications', positions: [0, 3, 4] }]);
  });

  it('splits a round longer than a delivery may be into calls of at most that many', () => {
    const round = events(...Array.from({ length: 7 }, (): EventType => 'order.paid'));
    expect(planDeliveries(round, 3)).toEqual([
      { app: 'notifications', positions: [0, 1, 2] },
      { app: 'notifications', positions: [3, 4, 5] },
      { app: 'notifications', positions: [6] },
    ]);
  });

  it('makes no call for events nobody consumes', () => {
    expect(planDeliveries(events('order.payment_failed', 'stock.changed'))).toEqual([]);
    expect(planDeliveries([])).toEqual([]);
  });
});

describe('what a delivery leaves unsafe', () => {
  const failed = (status: number) => ({
    outcome: 'failed' as const,
    error: { status, code: 'SOME_CODE', detail: 'it went wrong' },
  });

  it('takes handled and duplicate outcomes as acks', () => {
    expect(outcomeFailure('notifications', { outcome: 'handled' })).toBeUndefined();
    expect(outcomeFailure('notifications', { outcome: 'duplicate' })).toBeUndefined();
  });

  it("takes an event's 4xx or 5xx outcome as its handler's failure, and a missing outcome too", () => {
    for (const status of [400, 404, 500]) {
      const failure = outcomeFailure('notifications', failed(status));
      expect(failure).toBeInstanceOf(HandlerFailedError);
      expect(failure?.message).toBe('notifications: it went wrong');
    }
    expect(outcomeFailure('notifications', undefined)).toBeInstanceOf(HandlerFailedError);
  });

  it('takes 503 and 504, per event or for the whole call, as nobody answering', () => {
    for (const status of [503, 504]) {
      expect(outcomeFailure('notifications', failed(status))).not.toBeInstanceOf(HandlerFailedError);
      const call = failureOf('notifications', new AppError(status, 'SERVICE_UNAVAILABLE', 'no instance'));
      expect(call).toBeInstanceOf(AppError);
    }
    const dropped = new Error('Connection closed');
    expect(failureOf('notifications', dropped)).toBe(dropped);
    expect(failureOf('notifications', new AppError(400, 'VALIDATION_FAILED', 'bad'))).toBeInstanceOf(
      HandlerFailedError,
    );
  });
});
