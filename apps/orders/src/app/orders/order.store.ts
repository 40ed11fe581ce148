import { Inject, Injectable } from '@nestjs/common';
import { type ActorDto, ErrorCode, type OrderDto, OrderStatus, type PostalAddressView } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database, type PreparedStatement, preparedStatement } from '@shop/service-defaults';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { isoTime } from '../db/iso-time';
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
import { type ItemRow, toUntimedOrderDto } from './order.mapper';
import { InternalStatus, type StockState } from './order-status.machine';

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
 * $1 order id, $2 user id, $3 shipping address (json), $4 Idempotency-Key or null, $5 the
 * request's hash. With a key, the row is written only if the key's claim (a CTE) was free.
 */
const INSERT_RESERVING = `
  with claimed as (
    insert into idempotency_keys (user_id, key, request_hash)
    select $2::uuid, $4::text, $5::text where $4::text is not null
    on conflict do nothing
    returning key)
  insert into orders (id, user_id, status, stock, shipping_address, idempotency_key)
  select $1::uuid, $2::uuid, '${InternalStatus.Reserving}', 'unknown', $3::jsonb, $4::text
  where $4::text is null or exists (select from claimed)
  returning id`;

/**
 * $1 order id, $2 total, $3 currency, $4 lines (json, as the DTO has them), $5 actor id, $6 actor
 * role, $7–$10 the event's outbox row, $11 whether the lines leave the cart, $12 the
 * Idempotency-Key or null, $13 the answer but for its times, $14 its transition but for `at`.
 * Every write hangs on the update of the row still `reserving`: if recovery took it over,
 * nothing is written and no row returned. The transition's `at` defaults to now(), the
 * statement's start, as the row's `updated_at` does.
 */
const CONFIRM = `
  with placed as (
    update orders
    set status = '${OrderStatus.Pending}', stock = 'held', total = $2::int, currency = $3::text, updated_at = now()
    where id = $1::uuid and status = '${InternalStatus.Reserving}'
    returning id, user_id, ${isoTime('created_at')} as "createdAt", ${isoTime('updated_at')} as "updatedAt"),
  lines as (
    select * from jsonb_to_recordset($4::jsonb)
      as l("productId" uuid, sku text, name text, "unitPrice" int, quantity int, "lineTotal" int)),
  items as (
    insert into order_items (order_id, product_id, sku, name, unit_price, quantity, line_total)
    select placed.id, l."productId", l.sku, l.name, l."unitPrice", l.quantity, l."lineTotal" from placed, lines l),
  transition as (
    insert into order_transitions (order_id, from_status, to_status, actor_id, actor_role)
    select id, null, '${OrderStatus.Pending}', $5::uuid, $6::text from placed),
  event as (
    insert into outbox (event_id, type, aggregate_id, envelope)
    select $7::uuid, $8::text, $9::text, $10::jsonb from placed),
  cart as (
    delete from cart_items c using placed
    where $11::boolean and c.user_id = placed.user_id and c.product_id in (select "productId" from lines)),
  answer as (
    update idempotency_keys k
    set response = $13::jsonb || jsonb_build_object(
      'transitions', jsonb_build_array($14::jsonb || jsonb_build_object('at', placed."updatedAt")),
      'createdAt', placed."createdAt",
      'updatedAt', placed."updatedAt")
    from placed
    where k.user_id = placed.user_id and k.key = $12::text)
  select "createdAt", "updatedAt" from placed`;

/**
 * The one writer of the `orders` table: every change to an order's row is a method here, each
 * one conditional statement (or one transaction), so two writers racing on an order never both
 * win. Placement, the lifecycle and recovery call it; nothing else writes orders.
 */
@Injectable()
export class OrderStore {
  // The placing path's statements, prepared once per connection: building them with Drizzle on
  // every order, and the confirmation's four round trips, were about half of what placing one
  // cost this app.
  private readonly insertReservingStatement: PreparedStatement<{ id: string }>;
  private readonly confirmStatement: PreparedStatement<{ createdAt: string; updatedAt: string }>;

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly events: OrderEvents,
  ) {
    this.insertReservingStatement = preparedStatement(db, 'orders_insert_reserving', INSERT_RESERVING);
    this.confirmStatement = preparedStatement(db, 'orders_confirm', CONFIRM);
  }

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
    const inserted = await this.insertReservingStatement([
      orderId,
      userId,
      JSON.stringify(shippingAddress),
      claim?.key ?? null,
      claim?.requestHash ?? null,
    ]);
    claim?.settleClaim(inserted.length > 0);
  }

  /**
   * The reserving order becomes pending, with its items, its first transition, its event, the
   * ordered lines gone from the cart and the Idempotency-Key's answer, in one statement: one
   * round trip and one commit. Undefined when recovery took the order over.
   */
  async confirm(
    orderId: string,
    actor: ActorDto,
    placed: {
      total: number;
      currency: string;
      items: ItemRow[];
      shippingAddress: PostalAddressView;
      fromCart: boolean;
    },
    claim: KeyClaim | undefined,
  ): Promise<OrderDto | undefined> {
    const { total, currency, shippingAddress } = placed;
    // As the order's readers list them.
    const items = [...placed.items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    const status = OrderStatus.Pending;
    const untimed = toUntimedOrderDto(
      { id: orderId, userId: actor.id, status, total, currency, carrier: null, trackingNumber: null, shippingAddress },
      items,
      null,
    );
    const transition = { from: null, to: status, actorRole: actor.role, actorId: actor.id, reason: null };
    const event = this.events.placed({ id: orderId, userId: actor.id, status, total, currency }, items);
    const [times] = await this.confirmStatement([
      orderId,
      total,
      currency,
      JSON.stringify(items),
      actor.id,
      actor.role,
      event.eventId,
      event.type,
      event.aggregateId,
      JSON.stringify(event.envelope),
      placed.fromCart,
      claim?.key ?? null,
      claim ? JSON.stringify(untimed) : null,
      claim ? JSON.stringify(transition) : null,
    ]);
    if (!times) return undefined;
    claim?.settleAnswer();
    return { ...untimed, transitions: [{ ...transition, at: times.updatedAt }], ...times };
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
