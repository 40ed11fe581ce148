import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  AdjustStockRequest,
  CatalogPattern,
  CreateProductDto,
  GetProductsRequest,
  ProductIdRequest,
  ProductListQuery,
  type ProductDto,
  type ProductPageDto,
  type StockAdjustmentDto,
  StockAdjustmentListRequest,
  type StockAdjustmentPageDto,
  UpdateProductRequest,
} from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { StockAdjustmentService } from '../stock/stock-adjustment.service';
import { ProductService } from './product.service';

@Controller()
export class ProductsController {
  constructor(
    private readonly products: ProductService,
    private readonly stock: StockAdjustmentService,
  ) {}

  @MessagePattern(CatalogPattern.ListProducts)
  list(@RpcData() query: ProductListQuery): Promise<ProductPageDto> {
    return this.products.list(query);
  }

  @MessagePattern(CatalogPattern.GetProduct)
  get(@RpcData() request: ProductIdRequest): Promise<ProductDto> {
    return this.products.get(request.id);
  }

  @MessagePattern(CatalogPattern.GetProducts)
  getMany(@RpcData() request: GetProductsRequest): Promise<ProductDto[]> {
    return this.products.getMany(request.ids);
  }

  @MessagePattern(CatalogPattern.CreateProduct)
  create(@RpcData() dto: CreateProductDto): Promise<ProductDto> {
    return this.products.create(dto);
  }

  @MessagePattern(CatalogPattern.UpdateProduct)
  update(@RpcData() request: UpdateProductRequest): Promise<ProductDto> {
    return this.products.update(request.id, request.expectedVersion, request.changes);
  }

  @MessagePattern(CatalogPattern.DeleteProduct)
  async delete(@RpcData() request: ProductIdRequest): Promise<null> {
    await this.products.delete(request.id);
    return null;
  }

  @MessagePattern(CatalogPattern.AdjustStock)
  adjustStock(@RpcData() request: AdjustStockRequest): Promise<StockAdjustmentDto> {
    return this.stock.adjust(request);
  }

  @MessagePattern(CatalogPattern.ListStockAdjustments)
  listStockAdjustments(@RpcData() request: StockAdjustmentListRequest): Promise<StockAdjustmentPageDto> {
    return this.stock.list(request);
  }
}
