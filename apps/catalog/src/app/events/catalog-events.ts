import { Injectable } from '@nestjs/common';
import { Outbox, type Transaction } from '@shop/service-defaults';
import type { CatalogSchema, products } from '../db/schema';

type ProductRow = typeof products.$inferSelect;
type CatalogTransaction = Transaction<CatalogSchema>;

/** Writes the catalog's events into its outbox, with the transaction that made the change. */
@Injectable()
export class CatalogEvents {
  constructor(private readonly outbox: Outbox) {}

  product(tx: CatalogTransaction, type: 'product.created' | 'product.updated', product: ProductRow): Promise<void> {
    const { id, sku, name, price, currency, stock, version } = product;
    return this.outbox.add(tx, type, {
      aggregateId: id,
      aggregateVersion: version,
      payload: { productId: id, sku, name, price, currency, stock, version },
    });
  }

  deleted(tx: CatalogTransaction, product: Pick<ProductRow, 'id' | 'version'>): Promise<void> {
    return this.outbox.add(tx, 'product.deleted', {
      aggregateId: product.id,
      aggregateVersion: product.version,
      payload: { productId: product.id },
    });
  }

  /** `product` as the stock movement left it; crossing zero either way is called out. */
  stockChanged(
    tx: CatalogTransaction,
    product: Pick<ProductRow, 'id' | 'stock' | 'version'>,
    delta: number,
    reason: string | null,
  ): Promise<void> {
    const previousStock = product.stock - delta;
    return this.outbox.add(tx, 'stock.changed', {
      aggregateId: product.id,
      aggregateVersion: product.version,
      payload: {
        productId: product.id,
        previousStock,
        stock: product.stock,
        reason,
        outOfStock: previousStock > 0 && product.stock === 0,
        backInStock: previousStock === 0 && product.stock > 0,
      },
    });
  }
}
