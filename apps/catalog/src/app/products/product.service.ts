import { Inject, Injectable } from '@nestjs/common';
import {
  type CreateProductDto,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  type ProductChangesDto,
  type ProductDto,
  type ProductListQuery,
  type ProductPageDto,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { businessMetrics, DATABASE, type Database, onConstraintViolation } from '@shop/service-defaults';
import { and, count, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { ProductCache } from '../cache/product-cache';
import { type CatalogSchema, categories, products } from '../db/schema';
import { listingConditions, listingOrder } from './product-search';
import { productSelection, toProductDto } from './product.mapper';
import { CatalogEvents } from '../events/catalog-events';

export const productNotFound = () => new AppError(404, ErrorCode.NotFound, 'Product not found');
const noSuchCategory = () =>
  new AppError(400, ErrorCode.ValidationFailed, 'No such category', { errors: { categoryId: ['category not found'] } });

/**
 * What a product write can break, and the answer for it. The category is checked first, but it
 * may be deleted before the row is written: the foreign key then gives the same answer.
 */
const WRITE_REFUSALS = {
  products_sku_key: () => new AppError(409, ErrorCode.SkuTaken, 'Another product has this SKU'),
  products_category_id_categories_id_fk: noSuchCategory,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class ProductService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<CatalogSchema>,
    private readonly cache: ProductCache,
    private readonly events: CatalogEvents,
  ) {}

  async list(query: ProductListQuery): Promise<ProductPageDto> {
    if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
      throw new AppError(400, ErrorCode.ValidationFailed, 'minPrice is above maxPrice', {
        errors: { minPrice: ['minPrice must not be above maxPrice'] },
      });
    }
    const page = query.page ?? 1;
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const categoryId = query.category ? await this.categoryIdOf(query.category) : undefined;
    if (categoryId === null) return { items: [], total: 0, page, limit };

    const where = and(...listingConditions(query, categoryId));
    const [rows, [{ total }]] = await Promise.all([
      this.db
        .select(productSelection)
        .from(products)
        .leftJoin(categories, eq(categories.id, products.categoryId))
        .where(where)
        .orderBy(...listingOrder(query.sort, query.q))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(products).where(where),
    ]);
    return { items: rows.map(toProductDto), total, page, limit };
  }

  async get(id: string): Promise<ProductDto> {
    const product = await this.cache.read(id, async () => (await this.read([id]))[0]);
    if (!product) throw productNotFound();
    return product;
  }

  /** The live products among `ids`; unknown and deleted ones are left out. */
  getMany(ids: string[]): Promise<ProductDto[]> {
    return ids.length ? this.read(ids) : Promise.resolve([]);
  }

  async create(dto: CreateProductDto): Promise<ProductDto> {
    await this.assertCategoryExists(dto.categoryId);
    const { id } = await onConstraintViolation(WRITE_REFUSALS, () =>
      this.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(products)
          .values({ ...dto, description: dto.description ?? '', currency: dto.currency ?? 'USD' })
          .returning();
        await this.events.product(tx, 'product.created', row);
        return row;
      }),
    );
    return this.getFresh(id);
  }

  /**
   * Optimistic locking in one statement: the row changes only if it is still at
   * `expectedVersion`, and the version goes up by one. Otherwise nothing is written and the
   * caller learns the current version.
   */
  async update(id: string, expectedVersion: number, changes: ProductChangesDto): Promise<ProductDto> {
    await this.assertCategoryExists(changes.categoryId);
    const updated = await onConstraintViolation(WRITE_REFUSALS, () =>
      this.db.transaction(async (tx) => {
        const [row] = await tx
          .update(products)
          .set({ ...changes, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
          .where(and(eq(products.id, id), eq(products.version, expectedVersion), isNull(products.deletedAt)))
          .returning();
        if (row) await this.events.product(tx, 'product.updated', row);
        return row;
      }),
    );
    if (!updated) {
      const current = await this.db.query.products.findFirst({
        where: and(eq(products.id, id), isNull(products.deletedAt)),
        columns: { version: true },
      });
      if (!current) throw productNotFound();
      businessMetrics.versionConflicts.inc();
      throw new AppError(
        409,
        ErrorCode.VersionConflict,
        `The product is at version ${current.version}, not ${expectedVersion}`,
        {
          extensions: { currentVersion: current.version },
        },
      );
    }
    await this.cache.invalidate(id, updated.version);
    return this.getFresh(id);
  }

  /** Soft delete: gone from reads and listings; orders keep their own copy of name and price. */
  async delete(id: string): Promise<void> {
    const deleted = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(products)
        .set({ deletedAt: sql`now()`, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(products.id, id), isNull(products.deletedAt)))
        .returning({ id: products.id, version: products.version });
      if (row) await this.events.deleted(tx, row);
      return row;
    });
    if (!deleted) throw productNotFound();
    await this.cache.invalidate(id, deleted.version);
  }

  private async getFresh(id: string): Promise<ProductDto> {
    const [product] = await this.read([id]);
    if (!product) throw productNotFound();
    return product;
  }

  private async read(ids: string[]): Promise<ProductDto[]> {
    const rows = await this.db
      .select(productSelection)
      .from(products)
      .leftJoin(categories, eq(categories.id, products.categoryId))
      .where(and(inArray(products.id, ids), isNull(products.deletedAt)));
    return rows.map(toProductDto);
  }

  /** The id of the category named by id or slug; null when there is none. */
  private async categoryIdOf(idOrSlug: string): Promise<string | null> {
    const match = UUID.test(idOrSlug)
      ? or(eq(categories.id, idOrSlug), eq(categories.slug, idOrSlug))
      : eq(categories.slug, idOrSlug);
    const category = await this.db.query.categories.findFirst({ where: match, columns: { id: true } });
    return category?.id ?? null;
  }

  private async assertCategoryExists(categoryId: string | null | undefined): Promise<void> {
    if (!categoryId) return;
    const category = await this.db.query.categories.findFirst({
      where: eq(categories.id, categoryId),
      columns: { id: true },
    });
    if (!category) throw noSuchCategory();
  }
}
