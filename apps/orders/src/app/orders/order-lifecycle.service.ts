import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ActorDto, ErrorCode, ORDER_STATUSES, type OrderDto, type OrderStatus, Role } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { CatalogClient } from '../catalog/catalog.client';
import { type OrderRow, orders, type OrdersSchema, orderTransitions } from '../db/schema';
import { RefundService } from '../payments/refund.service';
import { OrderEvents } from './order-events';
import { type ActorKind, planTransition, STOCK_FOR_STATUS } from './order-status.machine';
import { OrderRepository } from './order.repository';

/** The system acting on its own (expiry, payment confirmations): no user, no ownership check. */
export const SYSTEM = null;
export type Actor = ActorDto | typeof SYSTEM;

/**
 * Moves orders between statuses. Every move is one conditional UPDATE plus its transition row in
 * one transaction, so of two concurrent moves from the same status exactly one happens; the
 * other is judged again from the status it now finds. The side effects the machine names follow.
 */
@Injectable()
export class OrderLifecycle {
  private readonly logger = new Logger(OrderLifecycle.name);

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly repository: OrderRepository,
    private readonly catalog: CatalogClient,
    private readonly refunds: RefundService,
    private readonly events: OrderEvents,
  ) {}

  async transition(orderId: string, to: OrderStatus, actor: Actor, reason: string | null = null): Promise<OrderDto> {
    for (;;) {
      const order = actor ? await this.repository.visibleRow(orderId, actor) : await this.publicRow(orderId);
      const from = order.status as OrderStatus;
      const effects = planTransition(from, to, actorKind(actor));
      const moved = await this.db.transaction(async (tx) => {
        const [row] = await tx
          .update(orders)
          .set({ status: to, updatedAt: sql`now()` })
          .where(and(eq(orders.id, order.id), eq(orders.status, from)))
          .returning();
        if (row) {
          await tx
            .insert(orderTransitions)
            .values({
              orderId,
              fromStatus: from,
              toStatus: to,
              actorId: actor?.id ?? null,
              actorRole: actor?.role ?? 'system',
              reason,
            });
          await this.events.entered(tx, row, reason);
        }
        return row;
      });
      if (!moved) continue;
      if (effects.refund) await this.refunds.refund(moved);
      return this.repository.toDto(await this.syncStock(moved));
    }
  }

  /**
   * Brings the catalog to the stock state the order's status calls for. A failure is logged and
   * left for the recovery job, which calls this again: release and commit are idempotent.
   */
  async syncStock(order: OrderRow): Promise<OrderRow> {
    const target = STOCK_FOR_STATUS[order.status as OrderStatus];
    if (!target || order.stock === target) return order;
    try {
      if (target === 'released') {
        // A cancelled order gives its stock back even if a commit reached the catalog first.
        await this.catalog.release({ orderId: order.id, restockCommitted: true });
      } else if (target === 'committed') {
        await this.catalog.commit(order.id);
      }
    } catch (error) {
      this.logger.warn(
        { orderId: order.id, target, error: (error as Error).message },
        'Stock not synced; recovery will retry',
      );
      return order;
    }
    const [row] = await this.db
      .update(orders)
      .set({ stock: target })
      .where(and(eq(orders.id, order.id), eq(orders.stock, order.stock)))
      .returning();
    return row ?? order;
  }

  private async publicRow(orderId: string): Promise<OrderRow> {
    const order = await this.db.query.orders.findFirst({
      where: and(eq(orders.id, orderId), inArray(orders.status, ORDER_STATUSES)),
    });
    if (!order) throw new AppError(404, ErrorCode.NotFound, 'Order not found');
    return order;
  }
}

function actorKind(actor: Actor): ActorKind {
  if (actor === SYSTEM) return 'system';
  return actor.role === Role.Admin ? 'admin' : 'owner';
}
