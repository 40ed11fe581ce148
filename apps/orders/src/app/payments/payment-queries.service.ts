import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type OrderRefRequest,
  type PaymentDto,
  type PaymentListDto,
  type PaymentRefRequest,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { asc, eq } from 'drizzle-orm';
import { type OrdersSchema, payments } from '../db/schema';
import { OrderRepository } from '../orders/order.repository';
import { toPaymentDto } from './payment.mapper';

/** Payments as their order's owner (or an admin) sees them: statuses, amounts, times, references; never card data. */
@Injectable()
export class PaymentQueries {
  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly orders: OrderRepository,
  ) {}

  /** Every attempt of the order, oldest first; 404 for an order the actor may not see. */
  async listForOrder({ orderId, actor }: OrderRefRequest): Promise<PaymentListDto> {
    await this.orders.visibleRow(orderId, actor);
    const rows = await this.db
      .select()
      .from(payments)
      .where(eq(payments.orderId, orderId))
      .orderBy(asc(payments.createdAt), asc(payments.id));
    return { items: rows.map(toPaymentDto) };
  }

  /** One attempt; 404 unless the actor owns its order or is an admin, so a stranger cannot tell it exists. */
  async get({ paymentId, actor }: PaymentRefRequest): Promise<PaymentDto> {
    const notFound = new AppError(404, ErrorCode.NotFound, 'Payment not found');
    const payment = await this.db.query.payments.findFirst({ where: eq(payments.id, paymentId) });
    if (!payment) throw notFound;
    await this.orders.visibleRow(payment.orderId, actor).catch(() => {
      throw notFound;
    });
    return toPaymentDto(payment);
  }
}
