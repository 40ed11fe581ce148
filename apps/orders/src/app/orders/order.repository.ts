import { Inject, Injectable } from '@nestjs/common';
import {
  type ActorDto,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  type ListOrdersRequest,
  ORDER_STATUSES,
  type OrderDto,
  type OrderPageDto,
  type PaymentStatus,
  Role,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, asc, count, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { isoTime } from '../db/iso-time';
import { orderItems, type OrderRow, orders, type OrdersSchema, orderTransitions, payments } from '../db/schema';
import { toOrderDto } from './order.mapper';

/** Reads orders as clients see them: public statuses only, and only the caller's unless admin. */
@Injectable()
export class OrderRepository {
  private readonly ownOrder;
  private readonly anyOrder;

  constructor(@Inject(DATABASE) private readonly db: Database<OrdersSchema>) {
    this.ownOrder = this.orderWithDetails(true);
    this.anyOrder = this.orderWithDetails(false);
  }

  /** The order if `actor` may see it; 404 otherwise, so a stranger cannot tell it exists. */
  async visibleRow(orderId: string, actor: ActorDto): Promise<OrderRow> {
    const order = await this.row(orderId);
    if (actor.role !== Role.Admin && order.userId !== actor.id) {
      throw new AppError(404, ErrorCode.NotFound, 'Order not found');
    }
    return order;
  }

  /** The order in any public status, whoever owns it: for the system's own moves. */
  async row(orderId: string): Promise<OrderRow> {
    const order = await this.db.query.orders.findFirst({
      where: and(eq(orders.id, orderId), inArray(orders.status, ORDER_STATUSES)),
    });
    if (!order) throw new AppError(404, ErrorCode.NotFound, 'Order not found');
    return order;
  }

  /** The order if `actor` may see it, in one statement: its lines, history and payment status come with it. */
  async get(orderId: string, actor: ActorDto): Promise<OrderDto> {
    // Someone else's order is as absent as an unknown one.
    const [found] =
      actor.role === Role.Admin
        ? await this.anyOrder.execute({ orderId })
        : await this.ownOrder.execute({ orderId, userId: actor.id });
    if (!found) throw new AppError(404, ErrorCode.NotFound, 'Order not found');
    return found.dto;
  }

  /**
   * The statement behind {@link get}, built once and prepared on each connection. PostgreSQL
   * builds the whole {@link OrderDto} (as {@link toOrderDto} does, same keys in the same order),
   * so the app parses one JSON value instead of mapping rows: building the query per call, then
   * the rows, was most of what reading one's own order cost this app. Times are cut to
   * milliseconds, as `Date#toISOString` of a row read in JavaScript has them.
   */
  private orderWithDetails(ownOnly: boolean) {
    const iso = (column: string) => sql.raw(isoTime(column));
    return this.db
      .select({
        dto: sql<OrderDto>`json_build_object(
          'id', orders.id, 'userId', orders.user_id, 'status', orders.status,
          'items', (
            SELECT coalesce(json_agg(json_build_object(
              'productId', i.product_id, 'sku', i.sku, 'name', i.name,
              'unitPrice', i.unit_price, 'quantity', i.quantity, 'lineTotal', i.line_total) ORDER BY i.sku), '[]')
            FROM order_items i WHERE i.order_id = orders.id),
          'total', orders.total, 'currency', coalesce(orders.currency, ''),
          -- An order's payment status is its latest attempt's.
          'paymentStatus', (SELECT p.status FROM payments p WHERE p.order_id = orders.id ORDER BY p.created_at DESC LIMIT 1),
          'carrier', orders.carrier, 'trackingNumber', orders.tracking_number,
          'shippingAddress', orders.shipping_address,
          'transitions', (
            SELECT coalesce(json_agg(json_build_object(
              'from', t.from_status, 'to', t.to_status, 'actorRole', t.actor_role,
              'actorId', t.actor_id, 'reason', t.reason, 'at', ${iso('t.at')}) ORDER BY t.id), '[]')
            FROM order_transitions t WHERE t.order_id = orders.id),
          'createdAt', ${iso('orders.created_at')}, 'updatedAt', ${iso('orders.updated_at')})`,
      })
      .from(orders)
      .where(
        and(
          eq(orders.id, sql.placeholder('orderId')),
          inArray(orders.status, ORDER_STATUSES),
          ownOnly ? eq(orders.userId, sql.placeholder('userId')) : undefined,
        ),
      )
      .prepare(ownOnly ? 'orders_get_own' : 'orders_get_any');
  }

  async toDto(order: OrderRow): Promise<OrderDto> {
    const [dto] = await this.toDtos([order]);
    return dto;
  }

  async list({ actor, page = 1, limit = DEFAULT_PAGE_SIZE, status, userId }: ListOrdersRequest): Promise<OrderPageDto> {
    const filters: SQL[] = [inArray(orders.status, status ? [status] : ORDER_STATUSES)];
    const owner = actor.role === Role.Admin ? userId : actor.id;
    if (owner) filters.push(eq(orders.userId, owner));
    const where = and(...filters);
    const [rows, [{ total }]] = await Promise.all([
      this.db
        .select()
        .from(orders)
        .where(where)
        .orderBy(desc(orders.createdAt), desc(orders.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(orders).where(where),
    ]);
    return { items: await this.toDtos(rows), total, page, limit };
  }

  private async toDtos(rows: OrderRow[]): Promise<OrderDto[]> {
    if (!rows.length) return [];
    const ids = rows.map((row) => row.id);
    const [items, transitions, latestPayments] = await Promise.all([
      this.db.select().from(orderItems).where(inArray(orderItems.orderId, ids)).orderBy(asc(orderItems.sku)),
      this.db
        .select()
        .from(orderTransitions)
        .where(inArray(orderTransitions.orderId, ids))
        .orderBy(asc(orderTransitions.id)),
      // An order's payment status is its latest attempt's.
      this.db
        .selectDistinctOn([payments.orderId], { orderId: payments.orderId, status: payments.status })
        .from(payments)
        .where(inArray(payments.orderId, ids))
        .orderBy(payments.orderId, desc(payments.createdAt)),
    ]);
    return rows.map((row) =>
      toOrderDto(
        row,
        items.filter((item) => item.orderId === row.id),
        transitions.filter((transition) => transition.orderId === row.id),
        (latestPayments.find((payment) => payment.orderId === row.id)?.status as PaymentStatus | undefined) ?? null,
      ),
    );
  }
}
