import { Inject, Injectable } from '@nestjs/common';
import { type CategoryDto, type CreateCategoryDto, ErrorCode, type UpdateCategoryDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database, onConstraintViolation, type Transaction } from '@shop/service-defaults';
import { asc, eq, sql } from 'drizzle-orm';
import { ProductCache } from '../cache/product-cache';
import { type CatalogSchema, categories, products } from '../db/schema';
import { slugify } from './slugify';

const categoryNotFound = () => new AppError(404, ErrorCode.NotFound, 'Category not found');
const noSuchParent = () =>
  new AppError(400, ErrorCode.ValidationFailed, 'No such parent category', {
    errors: { parentId: ['category not found'] },
  });
const hasChildren = () =>
  new AppError(409, ErrorCode.CategoryInUse, 'The category has subcategories; move or delete them first');
const PARENT_FK = 'categories_parent_id_categories_id_fk';

/**
 * What writing a category can break. The parent is checked first, but may be deleted before the
 * row is written: the foreign key then gives the same answer as the check.
 */
const WRITE_REFUSALS = {
  categories_slug_key: () => new AppError(409, ErrorCode.SlugTaken, 'Another category has this slug'),
  [PARENT_FK]: noSuchParent,
};

const toCategoryDto = (row: typeof categories.$inferSelect): CategoryDto => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  parentId: row.parentId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

@Injectable()
export class CategoryService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<CatalogSchema>,
    private readonly cache: ProductCache,
  ) {}

  async list(): Promise<CategoryDto[]> {
    return (await this.db.select().from(categories).orderBy(asc(categories.name), asc(categories.id))).map(
      toCategoryDto,
    );
  }

  async create(dto: CreateCategoryDto): Promise<CategoryDto> {
    const slug = dto.slug ?? slugify(dto.name);
    if (!slug) {
      throw new AppError(400, ErrorCode.ValidationFailed, 'No slug can be made from this name', {
        errors: { slug: ['give a slug: the name has no letters or digits to make one'] },
      });
    }
    return this.db.transaction(async (tx) => {
      if (dto.parentId) await this.assertParent(tx, dto.parentId);
      const [row] = await onConstraintViolation(WRITE_REFUSALS, () =>
        tx
          .insert(categories)
          .values({ name: dto.name, slug, parentId: dto.parentId ?? null })
          .returning(),
      );
      return toCategoryDto(row);
    });
  }

  async update(id: string, changes: UpdateCategoryDto): Promise<CategoryDto> {
    const { row, touched } = await this.db.transaction(async (tx) => {
      if (changes.parentId) await this.assertParent(tx, changes.parentId, id);
      const [row] = await onConstraintViolation(WRITE_REFUSALS, () =>
        tx
          .update(categories)
          .set({ ...changes, updatedAt: sql`now()` })
          .where(eq(categories.id, id))
          .returning(),
      );
      if (!row) throw categoryNotFound();
      // Products show their category's name and slug, so their representation changed too.
      const touched = changes.name || changes.slug ? await this.touchProducts(tx, id) : [];
      return { row, touched };
    });
    await this.cache.invalidateMany(touched);
    return toCategoryDto(row);
  }

  /** Refused while it has subcategories; its products simply lose their category. */
  async delete(id: string): Promise<void> {
    const touched = await this.db.transaction(async (tx) => {
      const child = await tx.query.categories.findFirst({ where: eq(categories.parentId, id), columns: { id: true } });
      if (child) throw hasChildren();
      const touched = await this.touchProducts(tx, id, { categoryId: null });
      // A subcategory created since the check above makes the foreign key refuse the delete.
      const [deleted] = await onConstraintViolation({ [PARENT_FK]: hasChildren }, () =>
        tx.delete(categories).where(eq(categories.id, id)).returning({ id: categories.id }),
      );
      if (!deleted) throw categoryNotFound();
      return touched;
    });
    await this.cache.invalidateMany(touched);
  }

  /** The parent must exist and, when moving `id`, must not be `id` itself or one of its descendants. */
  private async assertParent(tx: Transaction<CatalogSchema>, parentId: string, id?: string): Promise<void> {
    // Walk up from the new parent; category trees are shallow, so a query per level is cheap.
    for (let current: string | null = parentId; current;) {
      if (current === id) {
        throw new AppError(409, ErrorCode.CategoryCycle, 'A category cannot be placed under itself or its descendants');
      }
      const row: { parentId: string | null } | undefined = await tx.query.categories.findFirst({
        where: eq(categories.id, current),
        columns: { parentId: true },
      });
      if (!row && current === parentId) throw noSuchParent();
      current = row?.parentId ?? null;
    }
  }

  private touchProducts(tx: Transaction<CatalogSchema>, categoryId: string, set: { categoryId?: null } = {}) {
    return tx
      .update(products)
      .set({ ...set, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
      .where(eq(products.categoryId, categoryId))
      .returning({ id: products.id, version: products.version });
  }
}
