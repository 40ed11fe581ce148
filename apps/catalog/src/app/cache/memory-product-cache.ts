import type { ProductDto } from '@shop/contracts';
import { type CacheEntry, mayReplace } from './cache-entry';
import { ProductCache } from './product-cache';

const MAX_ENTRIES = 10_000;

/** One process's cache: right for a single catalog replica; several replicas need REDIS_URL. */
export class MemoryProductCache extends ProductCache {
  private readonly entries = new Map<string, CacheEntry & { expires: number }>();

  constructor(private readonly ttlMs: number) {
    super();
  }

  async read(id: string, load: () => Promise<ProductDto | undefined>): Promise<ProductDto | undefined> {
    const entry = this.live(id);
    if (entry?.value !== undefined) return JSON.parse(entry.value) as ProductDto;
    const product = await load();
    if (product) this.store(product.id, { version: product.version, value: JSON.stringify(product) });
    return product;
  }

  async invalidate(id: string, version: number): Promise<void> {
    this.store(id, { version });
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(id: string) {
    const entry = this.entries.get(id);
    if (entry && entry.expires <= Date.now()) this.entries.delete(id);
    return entry && entry.expires > Date.now() ? entry : undefined;
  }

  private store(id: string, entry: CacheEntry): void {
    if (!mayReplace(this.live(id), entry)) return;
    this.entries.delete(id);
    // Maps iterate in insertion order, so the first key is the least recently stored.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { ...entry, expires: Date.now() + this.ttlMs });
  }
}
