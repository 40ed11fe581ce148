import { Injectable, Logger } from '@nestjs/common';
import { type ActorDto, type OrderDto, OrderStatus, Role } from '@shop/contracts';
import { CatalogApi } from '@shop/service-defaults';
import type { Database } from '@shop/service-defaults';
import type { OrderRow, OrdersSchema } from '../db/schema';
import { type ActorKind, planTransition, STOCK_FOR_STATUS } from './order-status.machine';
import { OrderRepository } from './order.repository';
import { OrderStore } from './order.store';

/** The system acting on its own (expiry, payment confirmations): no user, no ownership check. */
export const SYSTEM = null;
export type Actor = ActorDto | typeof SYSTEM;

/**
 * What payments does when a transition calls for it (see PaymentStep): capture the held money of
 * an order that ships, inside the move's transaction; release (void or refund) the money of a
 * paid order that was cancelled.
 */
export interface PaymentSteps {
  capture(order: OrderRow, tx: Database<OrdersSchema>): Promise<void>;
  release(order: OrderRow): Promise<void>;
}

/** The parcel of an order that ships. */
export interface Shipment {
  carrier: string;
  trackingNumber: string;
}

/**
 * Moves orders between statuses. Every move is one conditional UPDATE plus its transition row in
 * one transaction, so of two concurrent moves from the same status exactly one happens; the
 * other is judged again from the status it now finds. The side effects the machine names follow.
 */
@Injectable()
export class OrderLifecycle {
  private readonly logger = new Logger(OrderLifecycle.name);
  private paymentSteps?: PaymentSteps;

  constructor(
    private readonly repository: OrderRepository,
    private readonly store: OrderStore,
    private readonly catalog: CatalogApi,
  ) {}

  /**
   * Payments registers how its steps are done. Orders does not import payments (payments moves
   * orders to paid, so that would be a loop); it names the step, payments carries it out.
   */
  onPaymentStep(steps: PaymentSteps): void {
    this.paymentSteps = steps;
  }

  /** `shipment` goes with a move to shipped (the gateway's contract requires it there). */
  async transition(
    orderId: string,
    to: OrderStatus,
    actor: Actor,
    reason: string | null = null,
    shipment?: Shipment,
  ): Promise<OrderDto> {
    for (;;) {
      const order = actor ? await this.repository.visibleRow(orderId, actor) : await this.repository.row(orderId);
      const from = order.status as OrderStatus;
      const { payment } = planTransition(from, to, actorKind(actor));
      const by = { actorId: actor?.id ?? null, actorRole: actor?.role ?? 'system' };
      const moved = await this.store.move(order.id, from, to, by, reason, {
        refuseWhileLivePayment: payment === 'refuse-while-live',
        beforeMove: payment === 'capture' ? (row, tx) => this.steps().capture(row, tx) : undefined,
        set: to === OrderStatus.Shipped ? shipment : undefined,
      });
      if (!moved) continue;
      if (payment === 'release') await this.steps().release(moved);
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
        await this.catalog.commit({ orderId: order.id });
      }
    } catch (error) {
      this.logger.warn(
        { orderId: order.id, target, error: (error as Error).message },
        'Stock not synced; recovery will retry',
      );
      return order;
    }
    return (await this.store.setStock(order, target)) ?? order;
  }

  private steps(): PaymentSteps {
    if (!this.paymentSteps) throw new Error('No payment steps registered: import PaymentsModule');
    return this.paymentSteps;
  }
}

function actorKind(actor: Actor): ActorKind {
  if (actor === SYSTEM) return 'system';
  return actor.role === Role.Admin ? 'admin' : 'owner';
}
