import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Roles } from '@shop/auth-guard';
import { CreateOrderDto, ListOrdersQuery, OrderDto, OrderPageDto, Role, SetOrderStatusDto } from '@shop/contracts';
import { OrdersApi } from '@shop/service-defaults';
import { ADMIN_PROBLEMS, ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { IdempotencyHeaderDoc, IdempotencyKey } from './request-params';
import { uuidParam } from '../http/uuid-param';
import { type OrderAnswer, OrderReadCache } from './order-read-cache';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersApi,
    private readonly cache: OrderReadCache,
  ) {}

  @Post()
  @IdempotencyHeaderDoc()
  @ApiOperation({
    operationId: 'placeOrder',
    summary: 'Place an order',
    description:
      'Reserves the stock and prices every line from the catalog. Without `items`, checks out your cart and empties it. ' +
      'Prices or totals in the body are refused. The order stays `pending` until paid, and expires if unpaid. ' +
      'Ships to `shippingAddressId` (from your address book) or an inline `shippingAddress`, exactly one; the order keeps a copy.',
  })
  @ApiCreatedResponse({ type: OrderDto })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    401: 'UNAUTHORIZED',
    404: 'NOT_FOUND (extensions.products: unknown product ids; or shippingAddressId is not in your address book)',
    409: 'INSUFFICIENT_STOCK (extensions.products: [{productId, requested, available}]), IDEMPOTENCY_KEY_IN_USE',
    422: 'CART_EMPTY, MIXED_CURRENCIES, IDEMPOTENCY_KEY_REUSED',
    ...COMMON_PROBLEMS,
  })
  create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: CreateOrderDto = {},
    @IdempotencyKey() key?: string,
  ): Promise<OrderDto> {
    return this.orders.createOrder({
      ...dto,
      actor: user,
      idempotencyKey: key,
    });
  }

  @Get()
  @ApiOperation({
    operationId: 'listOrders',
    summary: 'List orders, newest first',
    description: 'Your own orders; admins see everyone’s and may filter by userId.',
  })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', 401: 'UNAUTHORIZED', ...COMMON_PROBLEMS })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListOrdersQuery): Promise<OrderPageDto> {
    return this.orders.listOrders({ ...query, actor: user });
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getOrder',
    summary: 'One order with its status history',
    description: 'Its owner or an admin; anyone else gets 404. At most 1 s behind the orders app.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  async get(@CurrentUser() user: AuthenticatedUser, @Param('id', uuidParam('id')) orderId: string): Promise<OrderDto> {
    return (await this.read(user, orderId)).order;
  }

  /** {@link get}'s answer with its JSON, through this replica's read cache (the route hook sends the JSON). */
  read(user: AuthenticatedUser, orderId: string): Promise<OrderAnswer> {
    return this.cache.read(orderId, user, () => this.orders.getOrder({ orderId, actor: user }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'cancelOrder',
    summary: 'Cancel an order',
    description:
      'The owner while pending or paid, an admin any time before shipping. The stock goes back once; a paid order’s ' +
      'card authorization is voided (nothing is charged). While a payment of a pending order is in flight the cancel ' +
      'is refused with 409 PAYMENT_IN_PROGRESS: try again once the payment has an outcome.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems({
    400: 'VALIDATION_FAILED',
    401: 'UNAUTHORIZED',
    404: 'NOT_FOUND',
    409: 'INVALID_TRANSITION, PAYMENT_IN_PROGRESS',
    ...COMMON_PROBLEMS,
  })
  cancel(@CurrentUser() user: AuthenticatedUser, @Param('id', uuidParam('id')) orderId: string): Promise<OrderDto> {
    return this.cache.written(orderId, this.orders.cancelOrder({ orderId, actor: user }));
  }

  @Patch(':id/status')
  @Roles(Role.Admin)
  @ApiOperation({
    operationId: 'setOrderStatus',
    summary: 'Move an order along fulfilment (admin)',
    description:
      'paid → shipped → delivered; anything else is 409 INVALID_TRANSITION. Shipping needs `carrier` and ' +
      '`trackingNumber` (400 without them) and captures the authorized payment first: the order ships only if the ' +
      'capture succeeds.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    ...ADMIN_PROBLEMS,
    404: 'NOT_FOUND',
    409: 'INVALID_TRANSITION, AUTHORIZATION_EXPIRED (the card authorization lapsed before shipment)',
    ...COMMON_PROBLEMS,
    502: 'PAYMENT_PROVIDER_UNAVAILABLE (the capture got no answer; the order was not shipped), UPSTREAM_ERROR',
  })
  setStatus(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuidParam('id')) orderId: string,
    @Body() dto: SetOrderStatusDto,
  ): Promise<OrderDto> {
    return this.cache.written(orderId, this.orders.setOrderStatus({ ...dto, orderId, actor: user }));
  }
}
