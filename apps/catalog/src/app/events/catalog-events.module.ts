import { Module } from '@nestjs/common';
import { CatalogEvents } from './catalog-events';

/** The catalog's domain events, written by products and stock alike. */
@Module({ providers: [CatalogEvents], exports: [CatalogEvents] })
export class CatalogEventsModule {}
