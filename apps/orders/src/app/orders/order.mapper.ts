import type { OrderDto, OrderStatus, PaymentStatus } from '@shop/contracts';
import type { orderItems, OrderRow, orderTransitions } from '../db/schema';

export type ItemRow = Omit<typeof orderItems.$inferSelect, 'orderId'>;
export type TransitionRow = Pick<
  typeof orderTransitions.$inferSelect,
  'fromStatus' | 'toStatus' | 'actorRole' | 'actorId' | 'reason' | 'at'
>;

export function toOrderDto(
  order: OrderRow,
  items: ItemRow[],
  transitions: TransitionRow[],
  paymentStatus: PaymentStatus | null,
): OrderDto {
  return {
    ...toUntimedOrderDto(order, items, paymentStatus),
    transitions: transitions.map((transition) => ({
      from: transition.fromStatus as OrderStatus | null,
      to: transition.toStatus as OrderStatus,
      actorRole: transition.actorRole,
      actorId: transition.actorId,
      reason: transition.reason,
      at: transition.at.toISOString(),
    })),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** An order's DTO but for what carries the database's clock: its times and its history. */
export type UntimedOrderDto = Omit<OrderDto, 'transitions' | 'createdAt' | 'updatedAt'>;

export function toUntimedOrderDto(
  order: Pick<
    OrderRow,
    'id' | 'userId' | 'status' | 'total' | 'currency' | 'carrier' | 'trackingNumber' | 'shippingAddress'
  >,
  items: ItemRow[],
  paymentStatus: PaymentStatus | null,
): UntimedOrderDto {
  return {
    id: order.id,
    userId: order.userId,
    status: order.status as OrderStatus,
    items: items.map(({ productId, sku, name, unitPrice, quantity, lineTotal }) => ({
      productId,
      sku,
      name,
      unitPrice,
      quantity,
      lineTotal,
    })),
    total: order.total,
    currency: order.currency ?? '',
    paymentStatus,
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
    shippingAddress: order.shippingAddress ?? null,
  };
}
