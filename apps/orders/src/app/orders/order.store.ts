import { Inject, Injectable } from '@nestjs/common';
import { type ActorDto, ErrorCode, type OrderDto, OrderStatus, type PostalAddressView } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { olderThan } from '../db/older-than';
import {
  cartItems,
  LIVE_PAYMENT_STATUSES,
  orderItems,
  type OrderRow,
  orders,
  type OrdersSchema,
  orderTransitions,
  payments,
} from '../db/schema';
import type { KeyClaim } from '../idempotency/idempotency.service';
import { OrderEvents } from './order-events';
import { toOrderDto } from './order.mapper';
import { InternalStatus, type StockState } from './order-status.machine';

type OrderItemRow = typeof orderItems.$inferInsert;

/** Who moved an order, as its transition row records it. */
export interface MovedBy {
  actorId: string | null;
  actorRole: string;
}

/** What a move checks or does while it holds the order's row (see PaymentStep). */
export interface MoveConditions {
  /** 409 PAYMENT_IN_PROGRESS if the order has a live payment attempt. */
  refuseWhileLivePayment?: boolean;
  /** Runs before the move, in its transaction; a throw leaves the order where it was. */
  beforeMove?: (order: OrderRow, tx: Database<OrdersSchema>) => Promise<void>;
  /** Columns set with the move (the shipment's carrier and tracking number). */
  set?: Partial<Pick<OrderRow, 'carrier' | 'trackingNumber'>>;
}

/**
 * The one writer of the `orders` table: every change to an order's row is a method here, each
 * one conditional statement (or one transaction), so two writers racing on an order never both
 * win. Placement, the lifecycle and recovery call it; nothing else writes orders.
 */
@Injectable()
export class OrderStore {
  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly events: OrderEvents,
  ) {}

  /**
   * The row of an order being placed, written before the catalog is asked, so a crash leaves a
   * trace. With an Idempotency-Key, the statement claims the key too (one commit for both): the
   * row is written only if the key was free, else the claim stops the request.
   */
  async insertReserving(
    orderId: string,
    userId: string,
    shippingAddress: PostalAddressView,
    claim: KeyClaim | undefined,
  ): Promise<void> {
    if (!claim) {
      await this.db.insert(orders).values({
        id: orderId,
        userId,
        status: InternalStatus.Reserving,
        stock: 'unknown',
        shippingAddress,
      });
      return;
    }
    const inserted = await this.db.execute(sql`
      with claimed as (${claim.insert(this.db).getSQL()})
      insert into ${orders} (id, user_id, status, stock, shipping_address, idempotency_key)
      select ${orderId}::uuid, ${userId}::uuid, ${InternalStatus.Reserving}, 'unknown', ${JSON.stringify(shippingAddress)}::jsonb, ${claim.key}
      from claimed
      returning id`);
    claim.settleClaim((inserted as unknown as { rows: unknown[] }).rows.length > 0);
  }

  /**
   * The reserving order becomes pending, with its items, its first transition, its event, the
   * ordered lines gone from the cart and the Idempotency-Key's answer, in one transaction.
   * Undefined when recovery took the order over.
   */
  async confirm(
    orderId: string,
    actor: ActorDto,
    placed: { total: number; currency: string; items: OrderItemRow[]; fromCart: boolean },
    claim: KeyClaim | undefined,
  ): Promise<OrderDto | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(orders)
        .set({
          status: OrderStatus.Pending,
          stock: 'held',
          total: placed.total,
          currency: placed.currency,
          updatedAt: sql`now()`,
        })
        .where(and(eq(orders.id, orderId), eq(orders.status, InternalStatus.Reserving)))
        .returning();
      if (!row) return undefined;
      // As the order's readers list them.
      const items = [...placed.items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
      // The transition's `at` defaults to now(), the transaction's start: the row's `updatedAt`.
      const transition = { fromStatus: null, toStatus: OrderStatus.Pending, actorId: actor.id, actorRole: actor.role };
      const order = toOrderDto(row, items, [{ ...transition, reason: null, at: row.updatedAt }], null);
      const lines = items.map(({ orderId: _, ...line }) => line);
      const ordered = items.map((item) => item.productId);
      // The rest is one statement: a round trip, not five.
      const writes = [
        tx.insert(orderItems).values(items),
        tx.insert(orderTransitions).values({ orderId, ...transition }),
        this.events.placed(tx, row, lines),
        ...(placed.fromCart
          ? [tx.delete(cartItems).where(and(eq(cartItems.userId, actor.id), inArray(cartItems.productId, ordered)))]
          : []),
        ...(claim ? [claim.answer(tx, order)] : []),
      ];
      await tx.execute(
        sql`with ${sql.join(
          writes.map((write, i) => sql`${sql.raw(`w${i}`)} as (${write.getSQL()})`),
          sql`, `,
        )} select 1`,
      );
      return order;
    });
  }

  /** Forgets an order that never got past reserving (its placement failed). */
  async deleteReserving(orderId: string): Promise<void> {
    await this.db.delete(orders).where(and(eq(orders.id, orderId), eq(orders.status, InternalStatus.Reserving)));
  }

  /**
   * Moves the order `from` → `to` with its transition row, in one transaction; undefined if it
   * was no longer `from`. The row is locked first, so the conditions are judged against a state
   * no payment attempt can change meanwhile: opening one locks the same row (PaymentLedger.open).
   */
  async move(
    orderId: string,
    from: OrderStatus,
    to: OrderStatus,
    by: MovedBy,
    reason: string | null,
    { refuseWhileLivePayment = false, beforeMove, set = {} }: MoveConditions = {},
  ): Promise<OrderRow | undefined> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx
        .select()
        .from(orders)
        .where(and(eq(orders.id, orderId), eq(orders.status, from)))
        .for('update');
      if (!locked) return undefined;
      if (refuseWhileLivePayment) {
        const [live] = await tx
          .select({ id: payments.id })
          .from(payments)
          .where(and(eq(payments.orderId, orderId), inArray(payments.status, LIVE_PAYMENT_STATUSES)))
          .limit(1);
        if (live) {
          throw new AppError(
            409,
            ErrorCode.PaymentInProgress,
            'A payment of this order is in progress; try again once it has finished',
          );
        }
      }
      await beforeMove?.(locked, tx);
      const [row] = await tx
        .update(orders)
        .set({ ...set, status: to, updatedAt: sql`now()` })
        .where(eq(orders.id, orderId))
        .returning();
      await tx.insert(orderTransitions).values({ orderId, fromStatus: from, toStatus: to, ...by, reason });
      await this.events.entered(tx, row, reason);
      return row;
    });
  }

  /** Records the stock state the catalog reached, unless another writer recorded one first. */
  async setStock(order: OrderRow, stock: StockState): Promise<OrderRow | undefined> {
    const [row] = await this.db
      .update(orders)
      .set({ stock })
      .where(and(eq(orders.id, order.id), eq(orders.stock, order.stock)))
      .returning();
    return row;
  }

  /** Claims orders reserving for longer than any request lives: a late confirmation can no longer slip in. */
  async abandonReservingOlderThan(seconds: number): Promise<void> {
    await this.db
      .update(orders)
      .set({ status: InternalStatus.Abandoned, updatedAt: sql`now()` })
      .where(and(eq(orders.status, InternalStatus.Reserving), olderThan(orders.createdAt, seconds)));
  }

  async deleteAbandoned(orderId: string): Promise<void> {
    await this.db.delete(orders).where(and(eq(orders.id, orderId), eq(orders.status, InternalStatus.Abandoned)));
  }
}
