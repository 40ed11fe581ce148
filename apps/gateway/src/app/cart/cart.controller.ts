import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser } from '@shop/auth-guard';
import { CartDto, SetCartQuantityDto, StockLineDto } from '@shop/contracts';
import { OrdersApi } from '@shop/service-defaults';
import { ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { uuidParam } from '../http/uuid-param';

@ApiTags('cart')
@ApiBearerAuth()
@Controller('cart')
export class CartController {
  constructor(private readonly orders: OrdersApi) {}

  @Get()
  @ApiOperation({ operationId: 'getCart', summary: 'Your cart, at current catalog prices and stock' })
  @ApiOkResponse({ type: CartDto })
  @ApiProblems({ 401: 'UNAUTHORIZED', ...COMMON_PROBLEMS })
  get(@CurrentUser() user: AuthenticatedUser): Promise<CartDto> {
    return this.orders.getCart({ actor: user });
  }

  @Post('items')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'addCartItem',
    summary: 'Add units of a product to your cart',
    description: 'Adds to any quantity already there (at most 1000 per product).',
  })
  @ApiOkResponse({ type: CartDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  add(@CurrentUser() user: AuthenticatedUser, @Body() dto: StockLineDto): Promise<CartDto> {
    return this.orders.addCartItem({ ...dto, actor: user });
  }

  @Put('items/:productId')
  @ApiOperation({
    operationId: 'setCartItemQuantity',
    summary: 'Set the quantity of a product in your cart',
    description: '0 removes it.',
  })
  @ApiOkResponse({ type: CartDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  set(
    @CurrentUser() user: AuthenticatedUser,
    @Param('productId', uuidParam('productId')) productId: string,
    @Body() dto: SetCartQuantityDto,
  ): Promise<CartDto> {
    return this.orders.setCartItem({ ...dto, productId, actor: user });
  }

  @Delete('items/:productId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'removeCartItem', summary: 'Remove a product from your cart' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems({
    400: 'VALIDATION_FAILED',
    401: 'UNAUTHORIZED',
    404: 'NOT_FOUND (not in your cart)',
    ...COMMON_PROBLEMS,
  })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('productId', uuidParam('productId')) productId: string,
  ): Promise<void> {
    await this.orders.removeCartItem({ productId, actor: user });
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ operationId: 'clearCart', summary: 'Empty your cart' })
  @ApiNoContentResponse({ description: 'Emptied.' })
  @ApiProblems({ 401: 'UNAUTHORIZED', ...COMMON_PROBLEMS })
  async clear(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.orders.clearCart({ actor: user });
  }
}
