import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Public } from '@shop/auth-guard';
import {
  ErrorCode,
  OrdersPattern,
  PaymentDto,
  PayOrderDto,
  type PayOrderRequest,
  type StripeWebhookRequest,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import type { ServiceClient } from '@shop/service-defaults';
import { ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import type { RawBodyRequest } from '../http/fastify-hooks';
import { IDEMPOTENCY_HEADER, IdempotencyHeaderDoc, idempotencyKey } from '../orders/request-params';
import { uuidParam } from '../http/uuid-param';
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
    description:
      'Charges the order total. A decline leaves the order pending for another try; an order is never charged twice. ' +
      'An order whose total is 0 is paid at once without any provider (payment provider `none`).',
  })
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    401: 'UNAUTHORIZED',
    402: 'PAYMENT_DECLINED',
    404: 'NOT_FOUND',
    409: 'INVALID_TRANSITION (not pending), PAYMENT_IN_PROGRESS, IDEMPOTENCY_KEY_IN_USE',
    422: 'IDEMPOTENCY_KEY_REUSED',
    502: 'UPSTREAM_ERROR (no answer from the payment provider: the attempt stays processing until recovery learns its outcome)',
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

  @Post('payments/webhooks/stripe')
  @Public()
  @HttpCode(200)
  @ApiHeader({ name: 'Stripe-Signature', required: true })
  @ApiOperation({
    summary: 'Stripe webhook',
    description:
      'Verifies the Stripe-Signature over the raw body; payment_intent.succeeded moves the order to paid (once, however often it is sent). ' +
      'A report settles only the payment attempt its intent belongs to; a capture whose amount or currency differs from the order is logged and not settled.',
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { received: { type: 'boolean', example: true } } } })
  @ApiProblems({
    400: 'INVALID_SIGNATURE, MALFORMED_JSON',
    404: 'NOT_FOUND (Stripe not configured)',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    ...COMMON_PROBLEMS,
  })
  stripeWebhook(
    @Req() request: RawBodyRequest,
    @Headers('stripe-signature') signature?: string,
  ): Promise<{ received: true }> {
    if (!signature || request.rawBody === undefined) {
      throw new AppError(400, ErrorCode.InvalidSignature, 'A Stripe-Signature header and a JSON body are required');
    }
    return this.orders.send<{ received: true }, StripeWebhookRequest>(OrdersPattern.StripeWebhook, {
      payload: request.rawBody,
      signature,
    });
  }
}
