import { defineContract, returns } from '../contract';
import { EmptyRequest, healthCheck } from '../health/health.contract';
import { type CatalogChangesDto, CatalogChangesRequest } from './catalog-changes.dto';
import { CreateCategoryDto, type CategoryDto, UpdateCategoryRequest } from './category.dto';
import { GetProductsRequest } from './get-products.request';
import { CreateProductDto } from './product-input.dto';
import { ProductListQuery } from './product-list.query';
import { ProductIdRequest, UpdateProductRequest } from './product-requests';
import type { ProductDto, ProductPageDto } from './product.dto';
import { type ReservationDto, ReservationRefDto, ReserveStockDto } from './reservation.dto';
import {
  AdjustStockRequest,
  type StockAdjustmentDto,
  StockAdjustmentListRequest,
  type StockAdjustmentPageDto,
} from './stock-adjustment.dto';

export const CatalogContract = defineContract('catalog', {
  health: healthCheck,
  listProducts: {
    pattern: 'catalog.products.list',
    request: ProductListQuery,
    response: returns<ProductPageDto>(),
    retrySafe: true,
  },
  getProduct: {
    pattern: 'catalog.products.get',
    request: ProductIdRequest,
    response: returns<ProductDto>(),
    retrySafe: true,
  },
  getProducts: {
    pattern: 'catalog.products.get-many',
    request: GetProductsRequest,
    response: returns<ProductDto[]>(),
    retrySafe: true,
  },
  // Polled by every gateway replica to keep its read cache within its staleness bound.
  changes: {
    pattern: 'catalog.changes',
    request: CatalogChangesRequest,
    response: returns<CatalogChangesDto>(),
    retrySafe: true,
  },
  createProduct: {
    pattern: 'catalog.products.create',
    request: CreateProductDto,
    response: returns<ProductDto>(),
    retrySafe: false,
  },
  // Guarded by the expected version, but a retry after a lost answer would be a 409 for a write that happened.
  updateProduct: {
    pattern: 'catalog.products.update',
    request: UpdateProductRequest,
    response: returns<ProductDto>(),
    retrySafe: false,
  },
  deleteProduct: {
    pattern: 'catalog.products.delete',
    request: ProductIdRequest,
    response: returns<null>(),
    retrySafe: false,
  },
  adjustStock: {
    pattern: 'catalog.products.adjust-stock',
    request: AdjustStockRequest,
    response: returns<StockAdjustmentDto>(),
    retrySafe: false,
  },
  listStockAdjustments: {
    pattern: 'catalog.products.stock-adjustments.list',
    request: StockAdjustmentListRequest,
    response: returns<StockAdjustmentPageDto>(),
    retrySafe: true,
  },
  listCategories: {
    pattern: 'catalog.categories.list',
    request: EmptyRequest,
    response: returns<CategoryDto[]>(),
    retrySafe: true,
  },
  createCategory: {
    pattern: 'catalog.categories.create',
    request: CreateCategoryDto,
    response: returns<CategoryDto>(),
    retrySafe: false,
  },
  updateCategory: {
    pattern: 'catalog.categories.update',
    request: UpdateCategoryRequest,
    response: returns<CategoryDto>(),
    retrySafe: false,
  },
  deleteCategory: {
    pattern: 'catalog.categories.delete',
    request: ProductIdRequest,
    response: returns<null>(),
    retrySafe: false,
  },
  // Reservations are keyed by order id: a second delivery returns the first answer and holds nothing more.
  reserve: {
    pattern: 'catalog.stock.reserve',
    request: ReserveStockDto,
    response: returns<ReservationDto>(),
    retrySafe: true,
  },
  release: {
    pattern: 'catalog.stock.release',
    request: ReservationRefDto,
    response: returns<ReservationDto>(),
    retrySafe: true,
  },
  commit: {
    pattern: 'catalog.stock.commit',
    request: ReservationRefDto,
    response: returns<ReservationDto>(),
    retrySafe: true,
  },
});
