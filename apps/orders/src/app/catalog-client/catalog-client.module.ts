import { Module } from '@nestjs/common';
import { CatalogApi } from '@shop/service-defaults';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** The catalog's typed client, over `CATALOG_SERVICE_URL`; module tests replace it with a fake of the contract. */
@Module({
  providers: [
    {
      provide: CatalogApi,
      inject: [ORDERS_CONFIG],
      useFactory: ({ catalog }: OrdersConfig) => new CatalogApi(catalog.address, { timeoutMs: catalog.timeoutMs }),
    },
  ],
  exports: [CatalogApi],
})
export class CatalogClientModule {}
