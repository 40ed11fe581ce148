import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Roles } from '@shop/auth-guard';
import { AdjustStockDto, PageQuery, Role, StockAdjustmentDto, StockAdjustmentPageDto } from '@shop/contracts';
import { CatalogApi } from '@shop/service-defaults';
import { ADMIN_PROBLEMS, ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { uuidParam } from '../http/uuid-param';
import { CatalogReadCache } from './catalog-read-cache';

/** Stock changes by admins: every one recorded, with who made it. */
@ApiTags('products')
@Roles(Role.Admin)
@ApiBearerAuth()
@Controller('products/:id/stock-adjustments')
export class StockAdjustmentsController {
  constructor(
    private readonly catalog: CatalogApi,
    private readonly cache: CatalogReadCache,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'adjustStock',
    summary: 'Restock or write off (admin)',
    description: 'Atomic; stock stays between 0 and 1 000 000 000 (`maxStock`); every adjustment is recorded.',
  })
  @ApiCreatedResponse({ type: StockAdjustmentDto })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    ...ADMIN_PROBLEMS,
    404: 'NOT_FOUND',
    409: 'INSUFFICIENT_STOCK (below 0; body has products), STOCK_LIMIT_EXCEEDED (above maxStock; body has stock, maxStock)',
    ...COMMON_PROBLEMS,
  })
  async adjustStock(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: AdjustStockDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StockAdjustmentDto> {
    const adjustment = await this.catalog.adjustStock({
      ...dto,
      productId: id,
      createdBy: user.id,
    });
    this.cache.forget(id);
    return adjustment;
  }

  @Get()
  @ApiOperation({
    operationId: 'listStockAdjustments',
    summary: "A product's stock adjustments (admin)",
    description: 'Newest first, paginated: each with its delta, reason, the stock it left and who made it.',
  })
  @ApiOkResponse({ type: StockAdjustmentPageDto })
  @ApiProblems({
    400: 'VALIDATION_FAILED (malformed id, page or limit)',
    ...ADMIN_PROBLEMS,
    404: 'NOT_FOUND',
    ...COMMON_PROBLEMS,
  })
  listStockAdjustments(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: PageQuery,
  ): Promise<StockAdjustmentPageDto> {
    return this.catalog.listStockAdjustments({
      ...query,
      productId: id,
    });
  }
}
