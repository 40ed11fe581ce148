import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Public } from '@shop/auth-guard';
import { ErrorCode, PaymentDto, PaymentListDto, PayOrderDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { OrdersApi } from '@shop/service-defaults';
import { ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import type { RawBodyRequest } from '../http/fastify-hooks';
import { OrderReadCache } from '../orders/order-read-cache';
import { IdempotencyHeaderDoc, IdempotencyKey } from '../orders/request-params';
import { uuidParam } from '../http/uuid-param';

@ApiTags('payments')
@Controller()
export class PaymentsController {
  constructor(
    private readonly orders: OrdersApi,
    private readonly cache: OrderReadCache,
  ) {}

  @Post('orders/:id/payments')
  @ApiBearerAuth()
  @IdempotencyHeaderDoc()
  @ApiOperation({
    operationId: 'payOrder',
    summary: 'Pay for your pending order',
    description:
      'Authorizes the order total on the card (status `authorized`) and moves the order to paid; the money is captured ' +
      'when the order ships, and the authorization voided if it is cancelled before. A decline leaves the order pending ' +
      'for another try; an order is never charged twice. An order whose total is 0 is paid at once without any provider ' +
      '(payment provider `none`, status `captured`).',
  })
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    401: 'UNAUTHORIZED',
    402: 'PAYMENT_DECLINED',
    404: 'NOT_FOUND',
    409: 'INVALID_TRANSITION (not pending), PAYMENT_IN_PROGRESS, IDEMPOTENCY_KEY_IN_USE',
    422: 'IDEMPOTENCY_KEY_REUSED',
    ...COMMON_PROBLEMS,
    502: 'PAYMENT_PROVIDER_UNAVAILABLE (no answer from the payment provider: the attempt stays processing until recovery learns its outcome), UPSTREAM_ERROR',
  })
  pay(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuidParam('id')) orderId: string,
    @Body() dto: PayOrderDto,
    @IdempotencyKey() key?: string,
  ): Promise<PaymentDto> {
    return this.cache.written(orderId, this.orders.payOrder({ ...dto, orderId, actor: user, idempotencyKey: key }));
  }

  @Get('orders/:id/payments')
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'listOrderPayments',
    summary: 'Every payment attempt of an order (its owner or an admin)',
    description:
      'Oldest first, each with its status, amount, currency, times and the provider’s reference; never card data. ' +
      'Anyone else gets 404.',
  })
  @ApiOkResponse({ type: PaymentListDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  listForOrder(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuidParam('id')) orderId: string,
  ): Promise<PaymentListDto> {
    return this.orders.listOrderPayments({ orderId, actor: user });
  }

  @Get('payments/:id')
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'getPayment',
    summary: 'One payment attempt (the owner of its order or an admin)',
    description: 'Anyone else gets 404.',
  })
  @ApiOkResponse({ type: PaymentDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', uuidParam('id')) paymentId: string): Promise<PaymentDto> {
    return this.orders.getPayment({ paymentId, actor: user });
  }

  @Post('payments/webhooks/stripe')
  @Public()
  @HttpCode(200)
  @ApiHeader({
    name: 'Stripe-Signature',
    required: true,
    description: 'Stripe signs the raw body with the webhook secret.',
  })
  @ApiBody({
    description: 'A Stripe event as Stripe sends it, byte for byte (the signature covers the raw body).',
    schema: {
      type: 'object',
      additionalProperties: true,
      required: ['id', 'type', 'data'],
      properties: {
        id: { type: 'string', example: 'evt_1' },
        type: { type: 'string', example: 'payment_intent.succeeded' },
        data: { type: 'object', properties: { object: { type: 'object', additionalProperties: true } } },
      },
    },
  })
  @ApiOperation({
    operationId: 'receiveStripeWebhook',
    summary: 'Stripe webhook',
    description:
      'Verifies the Stripe-Signature over the raw body, signed within 5 minutes of now either way (older or future-dated is refused); ' +
      'payment_intent.amount_capturable_updated (authorized) moves the order to paid (once, however often it is sent), ' +
      'payment_intent.succeeded records the capture, payment_intent.payment_failed frees the order for another try. ' +
      'A report settles only the payment attempt its intent belongs to; a capture whose amount or currency differs from the order is logged and not settled.',
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { received: { type: 'boolean', example: true } } } })
  @ApiProblems({
    400: 'INVALID_SIGNATURE, MALFORMED_JSON, BODY_TOO_DEEP',
    404: 'NOT_FOUND (Stripe not configured)',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    ...COMMON_PROBLEMS,
  })
  // The signature is read from the request, not with @Headers(): Swagger would list the header twice.
  stripeWebhook(@Req() request: RawBodyRequest): Promise<{ received: true }> {
    const signature = request.headers['stripe-signature'];
    if (typeof signature !== 'string' || !signature || request.rawBody === undefined) {
      throw new AppError(400, ErrorCode.InvalidSignature, 'A Stripe-Signature header and a JSON body are required');
    }
    return this.cache.writtenToAny(this.orders.stripeWebhook({ payload: request.rawBody, signature }));
  }
}
