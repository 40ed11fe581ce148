import { Inject, Injectable } from '@nestjs/common';
import {
  type AdjustStockRequest,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  MAX_STOCK,
  type StockAdjustmentDto,
  type StockAdjustmentListRequest,
  type StockAdjustmentPageDto,
  type StockAdjustmentRecordDto,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, count, desc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import { ProductCache } from '../cache/product-cache';
import { type CatalogSchema, products, stockAdjustments } from '../db/schema';
import { productNotFound } from '../products/product.service';
import { CatalogEvents } from '../events/catalog-events';

@Injectable()
export class StockAdjustmentService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<CatalogSchema>,
    private readonly cache: ProductCache,
    private readonly events: CatalogEvents,
  ) {}

  /**
   * Restock or write-off in one conditional UPDATE, recorded with the level it left: stock stays
   * within 0..MAX_STOCK. The bounds are on `stock` alone (`stock <= MAX_STOCK - delta`, never
   * `stock + delta <= …`), so the WHERE itself can never overflow int4.
   */
  async adjust({ productId, delta, reason, createdBy }: AdjustStockRequest): Promise<StockAdjustmentDto> {
    const adjustment = await this.db.transaction(async (tx) => {
      const [product] = await tx
        .update(products)
        .set({ stock: sql`${products.stock} + ${delta}`, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
        .where(
          and(
            eq(products.id, productId),
            isNull(products.deletedAt),
            gte(products.stock, -delta),
            lte(products.stock, MAX_STOCK - delta),
          ),
        )
        .returning({ id: products.id, stock: products.stock, version: products.version });
      if (!product) return null;
      await this.events.stockChanged(tx, product, delta, reason);
      // The clock now, not the transaction's start: the row lock above orders a product's
      // adjustments, and their times must agree with that order for the history to.
      const [row] = await tx
        .insert(stockAdjustments)
        .values({ productId, delta, reason, stockAfter: product.stock, createdBy, createdAt: sql`clock_timestamp()` })
        .returning();
      return { ...toRecord(row), version: product.version };
    });
    if (!adjustment) throw await this.whyNot(productId, delta);
    await this.cache.invalidate(productId, adjustment.version);
    return adjustment;
  }

  /** A live product's adjustments, newest first. */
  async list({
    productId,
    page = 1,
    limit = DEFAULT_PAGE_SIZE,
  }: StockAdjustmentListRequest): Promise<StockAdjustmentPageDto> {
    const mine = eq(stockAdjustments.productId, productId);
    // One round trip: the product's existence is asked alongside its page.
    const [product, rows, [{ total }]] = await Promise.all([
      this.db.query.products.findFirst({
        where: and(eq(products.id, productId), isNull(products.deletedAt)),
        columns: { id: true },
      }),
      this.db
        .select()
        .from(stockAdjustments)
        .where(mine)
        .orderBy(desc(stockAdjustments.createdAt), desc(stockAdjustments.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(stockAdjustments).where(mine),
    ]);
    if (!product) throw productNotFound();
    return { items: rows.map(toRecord), total, page, limit };
  }

  /** A restock can only have hit the ceiling, a write-off only the floor. */
  private async whyNot(productId: string, delta: number): Promise<AppError> {
    const product = await this.db.query.products.findFirst({
      where: and(eq(products.id, productId), isNull(products.deletedAt)),
      columns: { stock: true },
    });
    if (!product) return productNotFound();
    if (delta > 0) return stockLimitExceeded(product.stock);
    return new AppError(409, ErrorCode.InsufficientStock, `Only ${product.stock} in stock; cannot remove ${-delta}`, {
      extensions: { products: [{ productId, requested: -delta, available: product.stock }] },
    });
  }
}

/** `stock`: what the product has now; `maxStock`: what adjustments may bring it to. */
function stockLimitExceeded(stock: number): AppError {
  return new AppError(
    409,
    ErrorCode.StockLimitExceeded,
    `Stock may not go above ${MAX_STOCK}; the product has ${stock}`,
    { extensions: { stock, maxStock: MAX_STOCK } },
  );
}

const toRecord = (row: typeof stockAdjustments.$inferSelect): StockAdjustmentRecordDto => ({
  id: row.id,
  productId: row.productId,
  delta: row.delta,
  reason: row.reason,
  stockAfter: row.stockAfter,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});
