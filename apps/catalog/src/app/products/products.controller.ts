import { Controller } from '@nestjs/common';
import {
  CatalogContract,
  CreateProductDto,
  GetProductsRequest,
  ProductIdRequest,
  ProductListQuery,
  type ProductDto,
  type ProductPageDto,
  UpdateProductRequest,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { ProductService } from './product.service';

@Controller()
export class ProductsController {
  constructor(private readonly products: ProductService) {}

  @Handles(CatalogContract.operations.listProducts)
  list(@RpcData() query: ProductListQuery): Promise<ProductPageDto> {
    return this.products.list(query);
  }

  @Handles(CatalogContract.operations.getProduct)
  get(@RpcData() request: ProductIdRequest): Promise<ProductDto> {
    return this.products.get(request.id);
  }

  @Handles(CatalogContract.operations.getProducts)
  getMany(@RpcData() request: GetProductsRequest): Promise<ProductDto[]> {
    return this.products.getMany(request.ids);
  }

  @Handles(CatalogContract.operations.createProduct)
  create(@RpcData() dto: CreateProductDto): Promise<ProductDto> {
    return this.products.create(dto);
  }

  @Handles(CatalogContract.operations.updateProduct)
  update(@RpcData() request: UpdateProductRequest): Promise<ProductDto> {
    return this.products.update(request.id, request.expectedVersion, request.changes);
  }

  @Handles(CatalogContract.operations.deleteProduct)
  async delete(@RpcData() request: ProductIdRequest): Promise<null> {
    await this.products.delete(request.id);
    return null;
  }
}
