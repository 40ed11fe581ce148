import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { OrdersPattern, type PaymentDto, PayOrderRequest } from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { PaymentService } from './payment.service';

@Controller()
export class PaymentsController {
  constructor(private readonly payments: PaymentService) {}

  @MessagePattern(OrdersPattern.PayOrder)
  pay(@RpcData() request: PayOrderRequest): Promise<PaymentDto> {
    return this.payments.pay(request);
  }
}
