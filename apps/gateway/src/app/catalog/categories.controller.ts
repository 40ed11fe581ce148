import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Public, Roles } from '@shop/auth-guard';
import { CategoryDto, CreateCategoryDto, Role, UpdateCategoryDto } from '@shop/contracts';
import { CatalogApi } from '@shop/service-defaults';
import { ADMIN_PROBLEMS, ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { uuidParam } from '../http/uuid-param';
import { CatalogReadCache } from './catalog-read-cache';

@ApiTags('categories')
@Controller('categories')
export class CategoriesController {
  constructor(
    private readonly catalog: CatalogApi,
    private readonly cache: CatalogReadCache,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ operationId: 'listCategories', summary: 'Every category, by name; `parentId` gives the tree' })
  @ApiOkResponse({ type: [CategoryDto] })
  @ApiProblems(COMMON_PROBLEMS)
  list(): Promise<CategoryDto[]> {
    return this.catalog.listCategories({});
  }

  @Post()
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'createCategory',
    summary: 'Create a category (admin)',
    description: 'The slug is derived from the name when omitted.',
  })
  @ApiCreatedResponse({ type: CategoryDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, ...ADMIN_PROBLEMS, 409: 'SLUG_TAKEN', ...COMMON_PROBLEMS })
  async create(@Body() dto: CreateCategoryDto): Promise<CategoryDto> {
    const category = await this.catalog.createCategory(dto);
    this.cache.forgetAll();
    return category;
  }

  @Patch(':id')
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'updateCategory', summary: 'Rename or move a category (admin)' })
  @ApiOkResponse({ type: CategoryDto })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    ...ADMIN_PROBLEMS,
    404: 'NOT_FOUND',
    409: 'SLUG_TAKEN, CATEGORY_CYCLE',
    ...COMMON_PROBLEMS,
  })
  async update(@Param('id', uuidParam('id')) id: string, @Body() changes: UpdateCategoryDto): Promise<CategoryDto> {
    const category = await this.catalog.updateCategory({ id, changes });
    this.cache.forgetAll();
    return category;
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'deleteCategory',
    summary: 'Delete a category (admin)',
    description: 'Refused while it has subcategories; its products lose their category.',
  })
  @ApiNoContentResponse()
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    ...ADMIN_PROBLEMS,
    404: 'NOT_FOUND',
    409: 'CATEGORY_IN_USE',
    ...COMMON_PROBLEMS,
  })
  async delete(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.catalog.deleteCategory({ id });
    this.cache.forgetAll();
  }
}
