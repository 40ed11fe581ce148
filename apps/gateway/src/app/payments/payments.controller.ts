import { Body, Controller, Headers, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser } from '@shop/auth-guard';
import { OrdersPattern, PaymentDto, PayOrderDto, type PayOrderRequest } from '@shop/contracts';
import type { ServiceClient } from '@shop/service-defaults';
import { ApiProblems, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { IDEMPOTENCY_HEADER, IdempotencyHeaderDoc, idempotencyKey, uuidParam } from '../orders/request-params';
import { ORDERS_SERVICE } from '../rpc/service-clients.module';

@ApiTags('payments')
@Controller()
export class PaymentsController {
  constructor(@Inject(ORDERS_SERVICE) private readonly orders: ServiceClient) {}

  @Post('orders/:id/payments')
  @ApiBearerAuth()
  @IdempotencyHeaderDoc()
  @ApiOperation({
    summary: 'Pay for your pending order',
    description: 'Charges the order total. A decline leaves the order pending for another try; an order is never charged twice.',
  })
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiProblems({
    400: 'VALIDATION_FAILED, MALFORMED_JSON',
    401: 'UNAUTHORIZED',
    402: 'PAYMENT_DECLINED',
    404: 'NOT_FOUND',
    409: 'INVALID_TRANSITION (not pending), PAYMENT_IN_PROGRESS, IDEMPOTENCY_KEY_IN_USE',
    422: 'IDEMPOTENCY_KEY_REUSED',
    ...COMMON_PROBLEMS,
  })
  pay(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuidParam('id')) orderId: string,
    @Body() dto: PayOrderDto,
    @Headers(IDEMPOTENCY_HEADER) key?: string,
  ): Promise<PaymentDto> {
    return this.orders.send<PaymentDto, PayOrderRequest>(OrdersPattern.PayOrder, {
      ...dto,
      orderId,
      actor: user,
      idempotencyKey: idempotencyKey(key),
    });
  }
}
