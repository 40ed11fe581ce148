import { Controller } from '@nestjs/common';
import {
  AdjustStockRequest,
  CatalogContract,
  type StockAdjustmentDto,
  StockAdjustmentListRequest,
  type StockAdjustmentPageDto,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { StockAdjustmentService } from './stock-adjustment.service';

@Controller()
export class StockAdjustmentsController {
  constructor(private readonly stock: StockAdjustmentService) {}

  @Handles(CatalogContract.operations.adjustStock)
  adjustStock(@RpcData() request: AdjustStockRequest): Promise<StockAdjustmentDto> {
    return this.stock.adjust(request);
  }

  @Handles(CatalogContract.operations.listStockAdjustments)
  listStockAdjustments(@RpcData() request: StockAdjustmentListRequest): Promise<StockAdjustmentPageDto> {
    return this.stock.list(request);
  }
}
