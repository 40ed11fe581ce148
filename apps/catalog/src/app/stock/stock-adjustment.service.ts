import { Inject, Injectable } from '@nestjs/common';
import { type AdjustStockRequest, ErrorCode, type StockAdjustmentDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import { ProductCache } from '../cache/product-cache';
import { type CatalogSchema, products, stockAdjustments } from '../db/schema';
import { productNotFound } from '../products/product.service';

@Injectable()
export class StockAdjustmentService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<CatalogSchema>,
    private readonly cache: ProductCache,
  ) {}

  /** Restock or write-off in one conditional UPDATE (stock never below 0), recorded with the level it left. */
  async adjust({ productId, delta, reason }: AdjustStockRequest): Promise<StockAdjustmentDto> {
    const adjustment = await this.db.transaction(async (tx) => {
      const [product] = await tx
        .update(products)
        .set({ stock: sql`${products.stock} + ${delta}`, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(products.id, productId), isNull(products.deletedAt), gte(products.stock, -delta)))
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

  private async whyNot(productId: string, delta: number): Promise<AppError> {
    const product = await this.db.query.products.findFirst({
      where: and(eq(products.id, productId), isNull(products.deletedAt)),
      columns: { stock: true },
    });
    if (!product) return productNotFound();
    return new AppError(409, ErrorCode.InsufficientStock, `Only ${product.stock} in stock; cannot remove ${-delta}`, {
      extensions: { products: [{ productId, requested: -delta, available: product.stock }] },
    });
  }
}
