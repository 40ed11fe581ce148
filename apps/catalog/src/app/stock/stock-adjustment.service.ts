import { Inject, Injectable } from '@nestjs/common';
import { type AdjustStockRequest, ErrorCode, MAX_STOCK, type StockAdjustmentDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import { ProductCache } from '../cache/product-cache';
import { type CatalogSchema, products, stockAdjustments } from '../db/schema';
import { productNotFound } from '../products/product.service';

@Injectable()
export class StockAdjustmentService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<CatalogSchema>,
    private readonly cache: ProductCache,
  ) {}

  /**
   * Restock or write-off in one conditional UPDATE, recorded with the level it left: stock stays
   * within 0..MAX_STOCK. The bounds are on `stock` alone (`stock <= MAX_STOCK - delta`, never
   * `stock + delta <= …`), so the WHERE itself can never overflow int4.
   */
  async adjust({ productId, delta, reason }: AdjustStockRequest): Promise<StockAdjustmentDto> {
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
        .returning({ stock: products.stock, version: products.version });
      if (!product) return null;
      const [row] = await tx
        .insert(stockAdjustments)
        .values({ productId, delta, reason, stockAfter: product.stock })
        .returning();
      return { ...row, version: product.version, createdAt: row.createdAt.toISOString() };
    });
    if (!adjustment) throw await this.whyNot(productId, delta);
    await this.cache.invalidate(productId, adjustment.version);
    return adjustment;
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
export function stockLimitExceeded(stock: number): AppError {
  return new AppError(
    409,
    ErrorCode.StockLimitExceeded,
    `Stock may not go above ${MAX_STOCK}; the product has ${stock}`,
    { extensions: { stock, maxStock: MAX_STOCK } },
  );
}
