import { Controller } from '@nestjs/common';
import {
  CatalogContract,
  type CategoryDto,
  CreateCategoryDto,
  ProductIdRequest,
  UpdateCategoryRequest,
} from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { CategoryService } from './category.service';

@Controller()
export class CategoriesController {
  constructor(private readonly categories: CategoryService) {}

  @Handles(CatalogContract.operations.listCategories)
  list(): Promise<CategoryDto[]> {
    return this.categories.list();
  }

  @Handles(CatalogContract.operations.createCategory)
  create(@RpcData() dto: CreateCategoryDto): Promise<CategoryDto> {
    return this.categories.create(dto);
  }

  @Handles(CatalogContract.operations.updateCategory)
  update(@RpcData() request: UpdateCategoryRequest): Promise<CategoryDto> {
    return this.categories.update(request.id, request.changes);
  }

  @Handles(CatalogContract.operations.deleteCategory)
  async delete(@RpcData() request: ProductIdRequest): Promise<null> {
    await this.categories.delete(request.id);
    return null;
  }
}
