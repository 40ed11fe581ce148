import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CatalogPattern,
  type CategoryDto,
  CreateCategoryDto,
  ProductIdRequest,
  UpdateCategoryRequest,
} from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { CategoryService } from './category.service';

@Controller()
export class CategoriesController {
  constructor(private readonly categories: CategoryService) {}

  @MessagePattern(CatalogPattern.ListCategories)
  list(): Promise<CategoryDto[]> {
    return this.categories.list();
  }

  @MessagePattern(CatalogPattern.CreateCategory)
  create(@RpcData() dto: CreateCategoryDto): Promise<CategoryDto> {
    return this.categories.create(dto);
  }

  @MessagePattern(CatalogPattern.UpdateCategory)
  update(@RpcData() request: UpdateCategoryRequest): Promise<CategoryDto> {
    return this.categories.update(request.id, request.changes);
  }

  @MessagePattern(CatalogPattern.DeleteCategory)
  async delete(@RpcData() request: ProductIdRequest): Promise<null> {
    await this.categories.delete(request.id);
    return null;
  }
}
