import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CatalogApi } from '@shop/service-defaults';
import { CatalogReadCache } from './catalog-read-cache';

/**
 * This replica's own subscription to the catalog's changes: it asks the catalog's change feed
 * every `pollMs` for what changed since its last answer and applies it to the read cache. Every
 * replica polls for itself, so each one's cache follows the catalog on its own; a failing or slow
 * feed only makes the cache stop serving (see {@link CatalogReadCache}).
 */
export class CatalogChangesPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CatalogCache');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private since?: string;
  private failing = false;

  constructor(
    private readonly catalog: CatalogApi,
    private readonly cache: CatalogReadCache,
    private readonly pollMs: number,
    /** An answer later than this is no use to the cache: the bound has passed meanwhile. */
    private readonly timeoutMs: number,
  ) {}

  onApplicationBootstrap(): void {
    void this.poll();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    const askedAt = performance.now();
    try {
      const changes = await this.catalog.changes({ since: this.since }, { timeoutMs: this.timeoutMs });
      this.cache.apply(changes, askedAt);
      this.since = changes.until;
      if (this.failing) this.logger.log('Catalog change feed answers again; cached reads resume');
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(`Catalog change feed failed (${(error as Error).message}); reads go to the catalog`);
      }
      this.failing = true;
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.pollMs);
  }
}
