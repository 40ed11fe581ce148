import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, OrderStatus, type PayOrderRequest, type PaymentDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { eq } from 'drizzle-orm';
import { type OrderRow, type OrdersSchema, payments } from '../db/schema';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { planTransition } from '../orders/order-status.machine';
import { OrderRepository } from '../orders/order.repository';
import { toPaymentDto } from './payment.mapper';
import { NO_PROVIDER, PaymentLedger } from './payment.ledger';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { providerUnavailable } from './provider-unavailable';
import { settleAnswer } from './settle-answer';

/**
 * `POST /orders/:id/payments`: authorizes an order's total (captured when it ships). The payment
 * is opened (claimed) before the provider is called, so two requests can never both charge the
 * order; a declined attempt frees it for another try.
 */
@Injectable()
export class PaymentRequests {
  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly ledger: PaymentLedger,
    private readonly idempotency: IdempotencyService,
    private readonly repository: OrderRepository,
  ) {}

  pay({ actor, orderId, paymentMethod, idempotencyKey }: PayOrderRequest): Promise<PaymentDto> {
    return this.idempotency.run(actor.id, idempotencyKey, { operation: 'pay', orderId, paymentMethod }, async () => {
      const order = await this.repository.visibleRow(orderId, actor);
      // Only the buyer pays; to anyone else the order does not exist.
      if (order.userId !== actor.id) throw new AppError(404, ErrorCode.NotFound, 'Order not found');
      planTransition(order.status as OrderStatus, OrderStatus.Paid, 'system');
      return this.charge(order, paymentMethod);
    });
  }

  private async charge(order: OrderRow, paymentMethod: string): Promise<PaymentDto> {
    // No provider charges 0 (Stripe refuses amounts under its minimum), and nothing needs charging.
    if (order.total === 0)
      return toPaymentDto(await this.ledger.open(order, { provider: NO_PROVIDER, status: 'captured' }));
    const payment = await this.ledger.open(order, {
      paymentMethod: this.provider.keepsPaymentMethod ? paymentMethod : null,
    });
    let result;
    try {
      result = await this.provider.authorize({
        orderId: order.id,
        paymentId: payment.id,
        amount: order.total,
        currency: order.currency ?? '',
        paymentMethod,
      });
    } catch (error) {
      // The provider may have authorized before its answer was lost. The attempt stays processing,
      // so no other can start (nor a cancel), until the recovery job asks the provider again.
      throw providerUnavailable(
        error,
        'The payment provider did not answer; the outcome of this payment will be known shortly',
        { orderId: order.id, paymentId: payment.id },
      );
    }
    const settled = await settleAnswer(this.ledger, payment, result);
    if (result.status === 'declined') {
      throw new AppError(402, ErrorCode.PaymentDeclined, 'The payment was declined', {
        extensions: { reason: result.reason },
      });
    }
    // Stripe's webhook settled it first (and moved the order on): report what it recorded.
    return toPaymentDto(settled ?? (await this.db.query.payments.findFirst({ where: eq(payments.id, payment.id) }))!);
  }
}
