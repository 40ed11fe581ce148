import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public, Roles } from '@shop/auth-guard';
import {
  CreateProductDto,
  ErrorCode,
  type ProductChangesDto,
  ProductDto,
  ProductListQuery,
  ProductPageDto,
  ReplaceProductDto,
  Role,
  UpdateProductDto,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { CatalogApi } from '@shop/service-defaults';
import type { FastifyReply } from 'fastify';
import { ADMIN_PROBLEMS, ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { API_PREFIX } from '../http/api-prefix';
import { uuidParam } from '../http/uuid-param';
import { CatalogReadCache } from './catalog-read-cache';
import { etagOf, expectedVersion, IF_MATCH_PATTERN } from './expected-version';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The ETag you read, e.g. "3" (or send `version` in the body).',
  schema: { type: 'string', pattern: IF_MATCH_PATTERN },
};

const WRITE_PROBLEMS = {
  ...BAD_BODY_PROBLEMS,
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'VERSION_CONFLICT (stale body version; body has currentVersion), SKU_TAKEN',
  412: 'VERSION_CONFLICT (stale If-Match; body has currentVersion)',
  428: 'VERSION_REQUIRED',
  ...COMMON_PROBLEMS,
};

/**
 * PUT replaces every editable field: what the body leaves out goes back to its default. The
 * body's own fields win, and validation has already refused a null for any field but categoryId.
 */
const PUT_DEFAULTS = { description: '', currency: 'USD', categoryId: null };

function matchesAny(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((tag) => {
    const candidate = tag.trim().replace(/^W\//, '');
    return candidate === '*' || candidate === etag;
  });
}

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(
    private readonly catalog: CatalogApi,
    private readonly cache: CatalogReadCache,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    operationId: 'listProducts',
    summary: 'List and search products',
    description: 'Paginated; with `q`, ranked by relevance unless `sort` is given.',
  })
  @ApiOkResponse({ type: ProductPageDto })
  @ApiProblems({ 400: 'VALIDATION_FAILED', ...COMMON_PROBLEMS })
  list(@Query() query: ProductListQuery): Promise<ProductPageDto> {
    return this.cache.listing(JSON.stringify(query), () => this.catalog.listProducts(query));
  }

  @Get(':id')
  @Public()
  @ApiOperation({
    operationId: 'getProduct',
    summary: 'One product',
    description: 'With `ETag: "<version>"`; `If-None-Match` with that ETag gives 304. At most 1 s behind the catalog.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({
    type: ProductDto,
    headers: { ETag: { description: 'The version, quoted.', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified since the ETag you sent.' })
  @ApiProblems({ 400: 'VALIDATION_FAILED (malformed id)', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  async get(
    @Param('id', uuidParam('id')) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductDto | undefined> {
    const product = await this.cache.product(id, () => this.catalog.getProduct({ id }));
    const etag = etagOf(product.version);
    void reply.header('etag', etag);
    if (ifNoneMatch && matchesAny(ifNoneMatch, etag)) {
      void reply.status(304);
      return undefined;
    }
    return product;
  }

  @Post()
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'createProduct', summary: 'Create a product (admin)' })
  @ApiCreatedResponse({
    type: ProductDto,
    headers: { Location: { description: 'The new product.', schema: { type: 'string' } } },
  })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, ...ADMIN_PROBLEMS, 409: 'SKU_TAKEN', ...COMMON_PROBLEMS })
  async create(@Body() dto: CreateProductDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ProductDto> {
    const product = await this.catalog.createProduct(dto);
    this.cache.forget(product.id);
    void reply.header('location', `/${API_PREFIX}/products/${product.id}`).header('etag', etagOf(product.version));
    return product;
  }

  @Patch(':id')
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    operationId: 'updateProduct',
    summary: 'Change some fields of a product (admin)',
    description:
      'Applied only if the product is still at the version you read. Stock changes through stock adjustments.',
  })
  @ApiOkResponse({ type: ProductDto })
  @ApiProblems(WRITE_PROBLEMS)
  update(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: UpdateProductDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductDto> {
    const { version, ...changes } = dto;
    return this.write(id, ifMatch, version, changes, reply);
  }

  @Put(':id')
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    operationId: 'replaceProduct',
    summary: 'Replace the editable fields of a product (admin)',
    description:
      'Fields left out go back to their defaults. Applied only if the product is still at the version you read.',
  })
  @ApiOkResponse({ type: ProductDto })
  @ApiProblems(WRITE_PROBLEMS)
  replace(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: ReplaceProductDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductDto> {
    const { version, ...fields } = dto;
    return this.write(id, ifMatch, version, { ...PUT_DEFAULTS, ...fields }, reply);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(Role.Admin)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'deleteProduct',
    summary: 'Delete a product (admin)',
    description: 'Orders that hold it keep their own copy of name and price.',
  })
  @ApiNoContentResponse()
  @ApiProblems({ 400: 'VALIDATION_FAILED (malformed id)', ...ADMIN_PROBLEMS, 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  async delete(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.catalog.deleteProduct({ id });
    this.cache.forget(id);
  }

  private async write(
    id: string,
    ifMatch: string | undefined,
    bodyVersion: number | null | undefined,
    changes: ProductChangesDto,
    reply: FastifyReply,
  ): Promise<ProductDto> {
    const expected = expectedVersion(ifMatch, bodyVersion);
    try {
      const product = await this.catalog.updateProduct({
        id,
        expectedVersion: expected.version,
        changes,
      });
      this.cache.forget(id);
      void reply.header('etag', etagOf(product.version));
      return product;
    } catch (error) {
      // A failed If-Match is a failed precondition (412); a stale body version is a conflict (409).
      if (error instanceof AppError && error.code === ErrorCode.VersionConflict && expected.source === 'if-match') {
        throw new AppError(412, error.code, error.detail, error.options);
      }
      throw error;
    }
  }
}
