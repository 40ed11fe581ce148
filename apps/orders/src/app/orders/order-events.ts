import { Injectable } from '@nestjs/common';
import { type EventPayload, type OrderEventPayload, OrderStatus, type OrderStatus as Status } from '@shop/contracts';
import { type NewEvent, Outbox, type OutboxRow, type Transaction } from '@shop/service-defaults';
import { and, count, eq } from 'drizzle-orm';
import { type OrderRow, orderItems, orders, type OrdersSchema, orderTransitions, payments } from '../db/schema';

export type PaymentEventType = 'order.payment_failed' | 'order.refunded';
type PaymentRow = typeof payments.$inferSelect;
/** An order line as every order event carries it. */
type EventLine = Omit<typeof orderItems.$inferSelect, 'orderId'>;
/** What of the order every order event carries. */
type EventOrder = Pick<OrderRow, 'id' | 'userId' | 'status' | 'total' | 'currency'>;

type OrderEventType =
  | 'order.placed'
  | 'order.paid'
  | 'order.payment_failed'
  | 'order.shipped'
  | 'order.delivered'
  | 'order.cancelled'
  | 'order.refunded';

/** The event an order's arrival in each status announces. */
export const EVENT_ON_ENTERING = {
  [OrderStatus.Pending]: 'order.placed',
  [OrderStatus.Paid]: 'order.paid',
  [OrderStatus.Shipped]: 'order.shipped',
  [OrderStatus.Delivered]: 'order.delivered',
  [OrderStatus.Cancelled]: 'order.cancelled',
} as const satisfies Record<Status, OrderEventType>;

/** What an event adds to the order snapshot every order event carries. */
type Extra<T extends OrderEventType> = Omit<EventPayload<T>, keyof OrderEventPayload>;

const EXTRA_ON_ENTERING: {
  [S in Status]: (reason: string | null, order: OrderRow) => Extra<(typeof EVENT_ON_ENTERING)[S]>;
} = {
  pending: () => ({}),
  paid: () => ({}),
  // Set with the move to shipped (its request requires both).
  shipped: (_, order) => ({ carrier: order.carrier, trackingNumber: order.trackingNumber }),
  delivered: () => ({}),
  cancelled: (reason) => ({ reason }),
};

/**
 * Writes the orders app's events into its outbox, always with the transaction that made the
 * change, and always with the order as that transaction leaves it.
 */
@Injectable()
export class OrderEvents {
  constructor(private readonly outbox: Outbox) {}

  /** The order just entered `order.status` (placed, or a transition). */
  entered(tx: Transaction<OrdersSchema>, order: OrderRow, reason: string | null = null): Promise<void> {
    const status = order.status as Status;
    return this.record(tx, EVENT_ON_ENTERING[status], order, EXTRA_ON_ENTERING[status](reason, order));
  }

  /** A payment of the order was declined or refunded, in the transaction that recorded it. */
  async payment(tx: Transaction<OrdersSchema>, type: PaymentEventType, payment: PaymentRow): Promise<void> {
    const [order] = await tx.select().from(orders).where(eq(orders.id, payment.orderId));
    if (type === 'order.refunded') await this.record(tx, type, order, { amount: payment.amount });
    else await this.record(tx, type, order, { reason: null });
  }

  /**
   * The outbox row recording that the order was just placed with these lines (its first change, so
   * nothing needs counting), for the statement that places it to write.
   */
  placed(order: EventOrder, lines: EventLine[]): OutboxRow {
    return this.outbox.row('order.placed', event('order.placed', order, lines, 1, {}));
  }

  async record<T extends OrderEventType>(
    tx: Transaction<OrdersSchema>,
    type: T,
    order: OrderRow,
    extra: Extra<T>,
  ): Promise<void> {
    const lines = await tx
      .select({
        productId: orderItems.productId,
        sku: orderItems.sku,
        name: orderItems.name,
        unitPrice: orderItems.unitPrice,
        quantity: orderItems.quantity,
        lineTotal: orderItems.lineTotal,
      })
      .from(orderItems)
      .where(eq(orderItems.orderId, order.id));
    // An order's changes are its transitions and its refunds; counting both in the writing
    // transaction numbers its events in the order they happened.
    const [transitions] = await tx
      .select({ n: count() })
      .from(orderTransitions)
      .where(eq(orderTransitions.orderId, order.id));
    const [refunds] = await tx
      .select({ n: count() })
      .from(payments)
      .where(and(eq(payments.orderId, order.id), eq(payments.status, 'refunded')));
    await this.outbox.add(tx, type, event(type, order, lines, transitions.n + refunds.n, extra));
  }
}

function event<T extends OrderEventType>(
  type: T,
  order: EventOrder,
  lines: EventLine[],
  aggregateVersion: number,
  extra: Extra<T>,
): NewEvent<T> {
  const payload = {
    orderId: order.id,
    userId: order.userId,
    status: order.status as Status,
    total: order.total,
    currency: order.currency ?? '',
    lines,
    ...extra,
  } as EventPayload<T>;
  return { aggregateId: order.id, aggregateVersion, payload };
}
