import type { CatalogChangesDto, ProductDto, ProductPageDto } from '@shop/contracts';
import { metricsRegistry } from '@shop/service-defaults';
import { Counter, Gauge } from 'prom-client';
import { KeptAnswers } from '../read-cache/kept-answers';

/** Entries kept per kind; past it the oldest go first (a cache, not a copy of the catalog). */
const MAX_PRODUCTS = 50_000;
const MAX_LISTINGS = 2_000;

const reads = new Counter({
  name: 'shop_gateway_catalog_cache_reads_total',
  help: 'Catalog reads at the gateway: hit (no hop), miss (fetched, then kept), bypass (the change feed is behind, fetched)',
  labelNames: ['kind', 'result'] as const,
  registers: [metricsRegistry],
});

/** The process's cache, for the gauge below (one per process, as the gateway makes it). */
let processCache: CatalogReadCache | undefined;

new Gauge({
  name: 'shop_gateway_catalog_cache_serving',
  help: '1 while the change feed is fresh enough for cached catalog reads to be served, else 0',
  registers: [metricsRegistry],
  collect() {
    this.set(processCache?.serving ? 1 : 0);
  },
});

type Kind = 'product' | 'listing';

/**
 * Product reads and listings, kept at this gateway replica and served without a hop only while
 * this replica's view of the catalog's change feed is fresh: `freshUntil` says up to when every
 * change the catalog committed more than `maxStalenessMs` ago is certainly applied here. Past it
 * (the feed slow, failing, or never answered yet) every read goes to the catalog, so no answer is
 * ever staler than the bound, whatever happens to the feed.
 */
export class CatalogReadCache {
  private readonly products = new KeptAnswers<ProductDto>(MAX_PRODUCTS);
  private readonly listings = new KeptAnswers<ProductPageDto>(MAX_LISTINGS);
  /** Local clock: every change the catalog committed before it is applied here. */
  private appliedUntil = Number.NEGATIVE_INFINITY;
  private categoryCount?: number;

  constructor(
    private readonly maxStalenessMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    processCache = this;
  }

  /** Whether a kept entry may be served now. */
  get serving(): boolean {
    return this.now() - this.appliedUntil <= this.maxStalenessMs;
  }

  product(id: string, fetch: () => Promise<ProductDto>): Promise<ProductDto> {
    return this.read('product', this.products, id, fetch);
  }

  listing(key: string, fetch: () => Promise<ProductPageDto>): Promise<ProductPageDto> {
    return this.read('listing', this.listings, key, fetch);
  }

  /** Whether a read of this product would be answered from what is kept here now (no hop). */
  keepsProduct(id: string): boolean {
    return this.serving && this.products.has(id);
  }

  /** A write made through this replica: its next read fetches, whatever the feed says yet. */
  forget(id: string): void {
    this.products.forget(id);
    this.listings.clear();
  }

  /** A category written through this replica: products show their category's name. */
  forgetAll(): void {
    this.products.clear();
    this.listings.clear();
  }

  /**
   * An answer of the feed, asked for at `askedAt` (local clock). The catalog's watermark trailed
   * its clock by `lagMs` when it answered, and it answered after `askedAt`: so every change
   * committed before `askedAt - lagMs` is in this answer or an earlier one.
   */
  apply(changes: CatalogChangesDto, askedAt: number): void {
    const categoriesChanged =
      changes.categoriesChanged || (this.categoryCount !== undefined && this.categoryCount !== changes.categoryCount);
    this.categoryCount = changes.categoryCount;
    if (changes.truncated || categoriesChanged) this.forgetAll();
    else if (changes.productIds.length > 0) {
      for (const id of changes.productIds) this.products.forget(id);
      this.listings.clear();
    }
    this.appliedUntil = Math.max(this.appliedUntil, askedAt - changes.lagMs);
  }

  private async read<T>(kind: Kind, entries: KeptAnswers<T>, key: string, fetch: () => Promise<T>) {
    const serving = this.serving;
    if (serving) {
      const kept = entries.get(key);
      if (kept !== undefined) {
        reads.inc({ kind, result: 'hit' });
        return kept;
      }
    }
    reads.inc({ kind, result: serving ? 'miss' : 'bypass' });
    return entries.fetch(key, fetch, (value) => value);
  }
}
