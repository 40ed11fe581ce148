import { Module } from '@nestjs/common';
import { CatalogChangesController } from './catalog-changes.controller';
import { CatalogChangesService } from './catalog-changes.service';

/** The feed gateways poll to keep their read caches fresh. */
@Module({ controllers: [CatalogChangesController], providers: [CatalogChangesService] })
export class CatalogChangesModule {}
