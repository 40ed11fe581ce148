import { Controller } from '@nestjs/common';
import { OrdersContract, type PaymentDto, PayOrderRequest, StripeWebhookRequest } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { PaymentRequests } from './payment-requests.service';
import { StripeWebhookService } from './stripe-webhook.service';

@Controller()
export class PaymentsController {
  constructor(
    private readonly payments: PaymentRequests,
    private readonly stripe: StripeWebhookService,
  ) {}

  @Handles(OrdersContract.operations.payOrder)
  pay(@RpcData() request: PayOrderRequest): Promise<PaymentDto> {
    return this.payments.pay(request);
  }

  @Handles(OrdersContract.operations.stripeWebhook)
  stripeWebhook(@RpcData() request: StripeWebhookRequest): Promise<{ received: true }> {
    return this.stripe.handle(request);
  }
}
