import type { OnApplicationShutdown } from '@nestjs/common';
import {
  CatalogPattern,
  type GetProductsRequest,
  type ProductDto,
  type ReservationDto,
  type ReservationRefDto,
  type ReserveStockDto,
} from '@shop/contracts';
import type { ServiceClient } from '@shop/service-defaults';

/** The catalog calls the orders app makes, typed. Failures arrive as the catalog's own AppErrors. */
export class CatalogClient implements OnApplicationShutdown {
  constructor(private readonly client: ServiceClient) {}

  reserve(request: ReserveStockDto): Promise<ReservationDto> {
    return this.client.send(CatalogPattern.Reserve, request);
  }

  /** Safe for an order the catalog never saw: it leaves a tombstone that refuses a late reserve. */
  release(request: ReservationRefDto): Promise<ReservationDto> {
    return this.client.send(CatalogPattern.Release, request);
  }

  commit(orderId: string): Promise<ReservationDto> {
    return this.client.send(CatalogPattern.Commit, { orderId } satisfies ReservationRefDto);
  }

  products(ids: string[]): Promise<ProductDto[]> {
    return ids.length
      ? this.client.send(CatalogPattern.GetProducts, { ids } satisfies GetProductsRequest)
      : Promise.resolve([]);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
