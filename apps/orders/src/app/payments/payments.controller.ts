import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { OrdersPattern, type PaymentDto, PayOrderRequest, StripeWebhookRequest } from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { PaymentService } from './payment.service';
import { StripeWebhookService } from './stripe-webhook.service';

@Controller()
export class PaymentsController {
  constructor(
    private readonly payments: PaymentService,
    private readonly stripe: StripeWebhookService,
  ) {}

  @MessagePattern(OrdersPattern.PayOrder)
  pay(@RpcData() request: PayOrderRequest): Promise<PaymentDto> {
    return this.payments.pay(request);
  }

  @MessagePattern(OrdersPattern.StripeWebhook)
  stripeWebhook(@RpcData() request: StripeWebhookRequest): Promise<{ received: true }> {
    return this.stripe.handle(request);
  }
}
