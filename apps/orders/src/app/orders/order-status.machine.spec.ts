import { ORDER_STATUSES, type OrderStatus } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { type ActorKind, allowedTransitions, planTransition } from './order-status.machine';

const ACTORS: ActorKind[] = ['owner', 'admin', 'system'];

/** The lifecycle, written out independently of the table: from → to → who. */
const EXPECTED: Record<string, ActorKind[]> = {
  'pending→paid': ['system'],
  'pending→cancelled': ['owner', 'admin', 'system'],
  'paid→shipped': ['admin'],
  'paid→cancelled': ['owner', 'admin', 'system'],
  'shipped→delivered': ['admin'],
};

const cases = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.flatMap((to) => ACTORS.map((actor) => [from, to, actor] as [OrderStatus, OrderStatus, ActorKind])),
);

describe('order status machine', () => {
  it.each(cases)('%s → %s by %s follows the lifecycle', (from, to, actor) => {
    const allowed = EXPECTED[`${from}→${to}`]?.includes(actor) ?? false;
    if (allowed) {
      expect(() => planTransition(from, to, actor)).not.toThrow();
    } else {
      const error = (() => {
        try {
          planTransition(from, to, actor);
        } catch (caught) {
          return caught;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 409, code: 'INVALID_TRANSITION' });
      expect((error as AppError).options.extensions).toEqual({ from, to, allowed: allowedTransitions(from, actor) });
    }
  });

  it('commits the stock when paid and releases it when cancelled; a pending order is not cancelled under a live payment', () => {
    expect(planTransition('pending', 'paid', 'system')).toEqual({ stock: 'committed', payment: undefined });
    expect(planTransition('pending', 'cancelled', 'owner')).toEqual({
      stock: 'released',
      payment: 'refuse-while-live',
    });
    expect(planTransition('paid', 'cancelled', 'admin')).toEqual({ stock: 'released', payment: 'release' });
  });

  it('leaves the stock alone along fulfilment, and captures the payment at shipment', () => {
    expect(planTransition('paid', 'shipped', 'admin')).toEqual({ stock: undefined, payment: 'capture' });
    expect(planTransition('shipped', 'delivered', 'admin')).toEqual({ stock: undefined, payment: undefined });
  });

  it('names what the actor may do instead', () => {
    expect(allowedTransitions('paid', 'owner')).toEqual(['cancelled']);
    expect(allowedTransitions('delivered', 'admin')).toEqual([]);
  });
});
