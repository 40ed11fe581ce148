import { type DynamicModule, Module } from '@nestjs/common';
import { MicroserviceDefaultsModule } from '@shop/service-defaults';
import { join } from 'node:path';
import { CATALOG_CONFIG, type CatalogConfig } from './catalog.config';
import { schema } from './db/schema';

@Module({})
export class CatalogAppModule {
  static forRoot(config: CatalogConfig): DynamicModule {
    return {
      module: CatalogAppModule,
      imports: [
        MicroserviceDefaultsModule.forRoot({ settings: config, schema, migrationsFolder: join(__dirname, 'db/migrations') }),
      ],
      providers: [{ provide: CATALOG_CONFIG, useValue: config }],
    };
  }
}
