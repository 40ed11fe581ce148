import { Inject, Injectable } from '@nestjs/common';
import { type ActorDto, ErrorCode, type OrderDto, OrderStatus, type PostalAddressView } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import {
  DATABASE,
  type Database,
  eachOnFailure,
  GroupCommit,
  type PreparedStatement,
  preparedStatement,
} from '@shop/service-defaults';
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
import { type ItemRow, toUntimedOrderDto, type UntimedOrderDto } from './order.mapper';
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

/** Orders written by one statement at most; more wait for the next (see {@link GroupCommit}). */
const MAX_BATCH = 100;

/**
 * $1 the orders (json): id, user, shipping address, Idempotency-Key or null and the request's
 * hash. An order with a key is written only if the key's claim (a CTE) was free. One key twice in
 * a statement fails it on the orders' unique (user, key) index; run again order by order
 * ({@link eachOnFailure}), the repeat then finds the key taken. Returns the ids written.
 */
const INSERT_RESERVING = `
  with input as (
    select * from jsonb_to_recordset($1::jsonb)
      as i(id uuid, "userId" uuid, address jsonb, key text, hash text)),
  claimed as (
    insert into idempotency_keys (user_id, key, request_hash)
    select "userId", key, hash from input where key is not null order by "userId", key
    on conflict do nothing
    returning user_id, key)
  insert into orders (id, user_id, status, stock, shipping_address, idempotency_key)
  select i.id, i."userId", '${InternalStatus.Reserving}', 'unknown', i.address, i.key from input i
  where i.key is null or exists (select from claimed c where c.user_id = i."userId" and c.key = i.key)
  returning id`;

/**
 * $1 the orders (json): id, total, currency, lines (as the DTO has them), actor id and role, the
 * event's outbox row, whether the lines leave the cart, the Idempotency-Key or null, the answer
 * but for its times and its transition but for `at`. Every write of an order hangs on the update
 * of its row still `reserving`: if recovery took it over, nothing is written for it and no row
 * returned. The transition's `at` defaults to now(), the statement's start, as `updated_at` does.
 */
const CONFIRM = `
  with input as (
    select * from jsonb_to_recordset($1::jsonb) as i(
      id uuid, total int, currency text, lines jsonb, "actorId" uuid, "actorRole" text,
      "eventId" uuid, "eventType" text, "aggregateId" text, envelope jsonb,
      "fromCart" boolean, key text, answer jsonb, transition jsonb)),
  placed as (
    update orders o
    set status = '${OrderStatus.Pending}', stock = 'held', total = i.total, currency = i.currency, updated_at = now()
    from input i
    where o.id = i.id and o.status = '${InternalStatus.Reserving}'
    returning o.id, o.user_id, ${isoTime('o.created_at')} as "createdAt", ${isoTime('o.updated_at')} as "updatedAt"),
  done as (
    select p.id, p.user_id, p."createdAt", p."updatedAt", i.lines, i."actorId", i."actorRole", i."eventId",
      i."eventType", i."aggregateId", i.envelope, i."fromCart", i.key, i.answer, i.transition
    from placed p join input i on i.id = p.id),
  items as (
    insert into order_items (order_id, product_id, sku, name, unit_price, quantity, line_total)
    select d.id, l."productId", l.sku, l.name, l."unitPrice", l.quantity, l."lineTotal"
    from done d, jsonb_to_recordset(d.lines)
      as l("productId" uuid, sku text, name text, "unitPrice" int, quantity int, "lineTotal" int)),
  transition as (
    insert into order_transitions (order_id, from_status, to_status, actor_id, actor_role)
    select id, null, '${OrderStatus.Pending}', "actorId", "actorRole" from done),
  event as (
    insert into outbox (event_id, type, aggregate_id, envelope)
    select "eventId", "eventType", "aggregateId", envelope from done),
  cart as (
    delete from cart_items c using done d
    where d."fromCart" and c.user_id = d.user_id
      and c.product_id in (select (line->>'productId')::uuid from jsonb_array_elements(d.lines) line)),
  answer as (
    update idempotency_keys k
    set response = d.answer || jsonb_build_object(
      'transitions', jsonb_build_array(d.transition || jsonb_build_object('at', d."updatedAt")),
      'createdAt', d."createdAt",
      'updatedAt', d."updatedAt")
    from done d
    where k.user_id = d.user_id and k.key = d.key)
  select id, "createdAt", "updatedAt" from done`;

/** An order to write as `reserving`, as {@link INSERT_RESERVING} takes it. */
interface ReservingRow {
  id: string;
  userId: string;
  address: PostalAddressView;
  key: string | null;
  hash: string | null;
}

/** A reserving order to confirm, as {@link CONFIRM} takes it. */
interface ConfirmRow {
  id: string;
  total: number;
  currency: string;
  lines: ItemRow[];
  actorId: string;
  actorRole: string;
  eventId: string;
  eventType: string;
  aggregateId: string;
  envelope: unknown;
  fromCart: boolean;
  key: string | null;
  answer: UntimedOrderDto | null;
  transition: object | null;
}

type Times = { createdAt: string; updatedAt: string };

/**
 * The one writer of the `orders` table: every change to an order's row is a method here, each
 * one conditional statement (or one transaction), so two writers racing on an order never both
 * win. Placement, the lifecycle and recovery call it; nothing else writes orders.
 */
@Injectable()
export class OrderStore {
  // The placing path's statements, prepared once per connection: building them with Drizzle on
  // every order, and the confirmation's four round trips, were about half of what placing one
  // cost this app. Orders placed together share them (group commit): under load, one round trip
  // and one commit for many orders, each still all or nothing.
  private readonly insertReservingStatement: PreparedStatement<{ id: string }>;
  private readonly confirmStatement: PreparedStatement<Times & { id: string }>;
  private readonly reservingBatches = new GroupCommit(
    (rows: ReservingRow[]) => eachOnFailure(rows, (batch) => this.insertReservingRows(batch)),
    MAX_BATCH,
  );
  private readonly confirmBatches = new GroupCommit(
    (rows: ConfirmRow[]) => eachOnFailure(rows, (batch) => this.confirmBatch(batch)),
    MAX_BATCH,
  );

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
    const key = claim?.key ?? null;
    const hash = claim?.requestHash ?? null;
    const inserted = await this.reservingBatches.submit({ id: orderId, userId, address: shippingAddress, key, hash });
    claim?.settleClaim(inserted);
  }

  private async insertReservingRows(rows: ReservingRow[]): Promise<boolean[]> {
    const written = new Set((await this.insertReservingStatement([JSON.stringify(rows)])).map(({ id }) => id));
    return rows.map(({ id }) => written.has(id));
  }

  /**
   * The reserving order becomes pending, with its items, its first transition, its event, the
   * ordered lines gone from the cart and the Idempotency-Key's answer, in one statement (shared
   * with the orders confirmed with it): one round trip and one commit. Undefined when recovery
   * took the order over.
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
    const times = await this.confirmBatches.submit({
      id: orderId,
      total,
      currency,
      lines: items,
      actorId: actor.id,
      actorRole: actor.role,
      eventId: event.eventId,
      eventType: event.type,
      aggregateId: event.aggregateId,
      envelope: event.envelope,
      fromCart: placed.fromCart,
      key: claim?.key ?? null,
      answer: claim ? untimed : null,
      transition: claim ? transition : null,
    });
    if (!times) return undefined;
    claim?.settleAnswer();
    return { ...untimed, transitions: [{ ...transition, at: times.updatedAt }], ...times };
  }

  private async confirmBatch(rows: ConfirmRow[]): Promise<(Times | undefined)[]> {
    const confirmed = new Map(
      (await this.confirmStatement([JSON.stringify(rows)])).map(({ id, ...times }) => [id, times]),
    );
    return rows.map(({ id }) => confirmed.get(id));
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
