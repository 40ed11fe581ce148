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
import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { orderItems, type OrderRow, orders, type OrdersSchema, orderTransitions, payments } from '../db/schema';
import { toOrderDto } from './order.mapper';

/** Reads orders as clients see them: public statuses only, and only the caller's unless admin. */
@Injectable()
export class OrderRepository {
  constructor(@Inject(DATABASE) private readonly db: Database<OrdersSchema>) {}

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

  async get(orderId: string, actor: ActorDto): Promise<OrderDto> {
    return this.toDto(await this.visibleRow(orderId, actor));
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
