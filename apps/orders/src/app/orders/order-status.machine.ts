import { ErrorCode, OrderStatus } from '@shop/contracts';
import { AppError } from '@shop/problem-details';

/** Who moves an order: its owner, an admin, or the system itself (payments, expiry). */
export type ActorKind = 'owner' | 'admin' | 'system';

/** What the catalog holds for an order. `unknown` only while the order is still reserving. */
export type StockState = 'unknown' | 'held' | 'committed' | 'released';

/**
 * The whole order lifecycle as data: for each status, the statuses it may move to and who may
 * move it there. Anything not listed is refused. Paid is reached only through a captured payment.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderStatus, readonly ActorKind[]>>>> = {
  pending: { paid: ['system'], cancelled: ['owner', 'admin', 'system'] },
  // The system cancels a paid order whose card authorization is about to lapse (see PaymentRecovery).
  paid: { shipped: ['admin'], cancelled: ['owner', 'admin', 'system'] },
  shipped: { delivered: ['admin'] },
  delivered: {},
  cancelled: {},
};

/**
 * What the catalog must hold in each status. After a transition the orders app brings the
 * catalog there (reserve → commit or release); the recovery job retries whatever failed.
 */
export const STOCK_FOR_STATUS: Readonly<Record<OrderStatus, StockState>> = {
  pending: 'held',
  paid: 'committed',
  shipped: 'committed',
  delivered: 'committed',
  cancelled: 'released',
};

/**
 * What a transition asks of the order's payment. `refuse-while-live`: a guard, checked with the
 * order's row locked: while a payment attempt of the order is in flight (or has just held the
 * money and is moving the order to paid), the move is refused with 409 PAYMENT_IN_PROGRESS, so no
 * order is cancelled under a payment that then goes through. `capture`: the held money is taken
 * before the move commits (no capture, no shipment). `release`: after the move, an authorization
 * is voided, or captured money refunded.
 */
export type PaymentStep = 'refuse-while-live' | 'capture' | 'release';

export const PAYMENT_STEP: Readonly<Partial<Record<`${OrderStatus}→${OrderStatus}`, PaymentStep>>> = {
  'pending→cancelled': 'refuse-while-live',
  'paid→shipped': 'capture',
  'paid→cancelled': 'release',
};

export interface TransitionEffects {
  /** The stock state the catalog must reach, when it changes. */
  stock?: StockState;
  payment?: PaymentStep;
}

export function allowedTransitions(from: OrderStatus, actor: ActorKind): OrderStatus[] {
  return (Object.entries(ORDER_TRANSITIONS[from]) as [OrderStatus, readonly ActorKind[]][])
    .filter(([, actors]) => actors.includes(actor))
    .map(([to]) => to);
}

/** The side effects of moving `from` → `to` by `actor`; 409 INVALID_TRANSITION when the table forbids it. */
export function planTransition(from: OrderStatus, to: OrderStatus, actor: ActorKind): TransitionEffects {
  if (!ORDER_TRANSITIONS[from][to]?.includes(actor)) {
    throw new AppError(409, ErrorCode.InvalidTransition, `An order cannot go from ${from} to ${to} this way`, {
      extensions: { from, to, allowed: allowedTransitions(from, actor) },
    });
  }
  const stock = STOCK_FOR_STATUS[to] === STOCK_FOR_STATUS[from] ? undefined : STOCK_FOR_STATUS[to];
  return { stock, payment: PAYMENT_STEP[`${from}→${to}`] };
}

/**
 * Lets a refused move through (409 INVALID_TRANSITION: the order moved on; 409
 * PAYMENT_IN_PROGRESS: a payment holds it, and a background move tries again next round) and
 * rethrows anything else.
 */
export function rethrowUnlessMoveRefused(error: unknown): void {
  if (error instanceof AppError && error.code === ErrorCode.PaymentInProgress) return;
  rethrowUnlessInvalidTransition(error);
}

/**
 * Lets a 409 INVALID_TRANSITION through (the order had already moved on) and rethrows anything
 * else; a catch that needs the refused transition's details gets the error as an AppError.
 */
export function rethrowUnlessInvalidTransition(error: unknown): asserts error is AppError {
  if (!(error instanceof AppError && error.code === ErrorCode.InvalidTransition)) throw error;
}

/**
 * Statuses clients never see. `reserving`: the row exists, the catalog is being asked for stock.
 * `abandoned`: the recovery job took over a reserving order whose request died, and is undoing it.
 */
export const InternalStatus = { Reserving: 'reserving', Abandoned: 'abandoned' } as const;
