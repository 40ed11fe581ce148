import { Controller } from '@nestjs/common';
import {
  OrderRefRequest,
  OrdersContract,
  type PaymentDto,
  type PaymentListDto,
  PaymentRefRequest,
  PayOrderRequest,
  StripeWebhookRequest,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { PaymentQueries } from './payment-queries.service';
import { PaymentRequests } from './payment-requests.service';
import { StripeWebhookService } from './stripe-webhook.service';

@Controller()
export class PaymentsController {
  constructor(
    private readonly payments: PaymentRequests,
    private readonly queries: PaymentQueries,
    private readonly stripe: StripeWebhookService,
  ) {}

  @Handles(OrdersContract.operations.payOrder)
  pay(@RpcData() request: PayOrderRequest): Promise<PaymentDto> {
    return this.payments.pay(request);
  }

  @Handles(OrdersContract.operations.listOrderPayments)
  listForOrder(@RpcData() request: OrderRefRequest): Promise<PaymentListDto> {
    return this.queries.listForOrder(request);
  }

  @Handles(OrdersContract.operations.getPayment)
  get(@RpcData() request: PaymentRefRequest): Promise<PaymentDto> {
    return this.queries.get(request);
  }

  @Handles(OrdersContract.operations.stripeWebhook)
  stripeWebhook(@RpcData() request: StripeWebhookRequest): Promise<{ received: true }> {
    return this.stripe.handle(request);
  }
}
