import type { ProductDto } from '@shop/contracts';

/**
 * Product reads, cached. Writers call {@link invalidate} with the version they wrote before they
 * return; readers go through {@link read}, which stores what they loaded from the database only
 * if no write has passed it meanwhile.
 */
export abstract class ProductCache {
  /** The cached product, else whatever `load` finds (undefined: no such product). */
  abstract read(id: string, load: () => Promise<ProductDto | undefined>): Promise<ProductDto | undefined>;
  abstract invalidate(id: string, version: number): Promise<void>;
  abstract close(): Promise<void>;

  async invalidateMany(written: { id: string; version: number }[]): Promise<void> {
    await Promise.all(written.map((product) => this.invalidate(product.id, product.version)));
  }
}
