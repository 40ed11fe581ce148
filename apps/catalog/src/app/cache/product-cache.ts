import type { ProductDto } from '@shop/contracts';

/**
 * Product reads, cached. Writers call {@link invalidate} with the version they wrote before
 * they return; readers {@link offer} what they read from the database.
 */
export abstract class ProductCache {
  abstract get(id: string): Promise<ProductDto | undefined>;
  abstract offer(product: ProductDto): Promise<void>;
  abstract invalidate(id: string, version: number): Promise<void>;
  abstract close(): Promise<void>;

  async invalidateMany(written: { id: string; version: number }[]): Promise<void> {
    await Promise.all(written.map((product) => this.invalidate(product.id, product.version)));
  }
}
