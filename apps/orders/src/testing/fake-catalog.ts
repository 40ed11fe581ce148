import {
  type CatalogContract,
  ErrorCode,
  type GetProductsRequest,
  type ProductDto,
  type ReservationDto,
  type ReservationRefDto,
  type ReserveStockDto,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import type { TypedApi } from '@shop/service-defaults';
import { randomUUID } from 'node:crypto';

type CatalogCalls = Pick<TypedApi<typeof CatalogContract>, 'reserve' | 'release' | 'commit' | 'getProducts'>;
type Call = keyof CatalogCalls;

interface Product {
  id: string;
  sku: string;
  name: string;
  price: number;
  currency: string;
  stock: number;
}

/**
 * The catalog's side of the contract as the orders app uses it, in memory, with the real
 * catalog's rules: a reservation is all or nothing and idempotent per order id, a release of an
 * unknown order leaves a tombstone that refuses a late reserve, and a committed reservation is
 * released only with `restockCommitted` (409 otherwise). Each call can be made to fail, once, to play a crash or
 * an outage.
 */
export class FakeCatalog implements CatalogCalls {
  readonly products = new Map<string, Product>();
  readonly reservations = new Map<string, ReservationDto>();
  readonly calls: { call: Call; orderId?: string }[] = [];
  private readonly failures = new Map<Call, Error>();
  private readonly lost = new Map<Call, () => void>();

  addProduct(fields: Partial<Omit<Product, 'id'>> = {}): Product {
    const product = {
      id: randomUUID(),
      sku: `SKU-${this.products.size + 1}`,
      name: 'Thing',
      price: 500,
      currency: 'USD',
      stock: 10,
      ...fields,
    };
    this.products.set(product.id, product);
    return product;
  }

  stockOf(productId: string): number {
    return this.products.get(productId)!.stock;
  }

  /** The next call of this kind throws `error` (after doing nothing). */
  failNext(
    call: Call,
    error: Error = new AppError(503, ErrorCode.ServiceUnavailable, 'The catalog service is unavailable'),
  ): void {
    this.failures.set(call, error);
  }

  /**
   * The next call of this kind does its work, but its answer never arrives, as when the caller's
   * process dies waiting for it. Resolves once the work is done.
   */
  loseNextAnswer(call: Call): Promise<void> {
    return new Promise((resolve) => this.lost.set(call, resolve));
  }

  async reserve(request: ReserveStockDto): Promise<ReservationDto> {
    const reservation = await this.reserveNow(request);
    const lose = this.lost.get('reserve');
    if (!lose) return reservation;
    this.lost.delete('reserve');
    lose();
    return new Promise<never>(() => {});
  }

  private async reserveNow({ orderId, lines }: ReserveStockDto): Promise<ReservationDto> {
    await this.enter('reserve', orderId);
    const existing = this.reservations.get(orderId);
    if (existing?.status === 'released')
      throw new AppError(409, ErrorCode.ReservationReleased, 'This order was released');
    if (existing) return existing;
    const unknown = lines.filter((line) => !this.products.has(line.productId)).map((line) => line.productId);
    if (unknown.length)
      throw new AppError(404, ErrorCode.NotFound, 'Product not found', { extensions: { products: unknown } });
    const short = lines
      .map((line) => ({ productId: line.productId, requested: line.quantity, available: this.stockOf(line.productId) }))
      .filter((line) => line.available < line.requested);
    if (short.length)
      throw new AppError(409, ErrorCode.InsufficientStock, 'Not enough stock', { extensions: { products: short } });
    for (const line of lines) this.products.get(line.productId)!.stock -= line.quantity;
    const reservation: ReservationDto = {
      orderId,
      status: 'reserved',
      lines: lines.map(({ productId, quantity }) => {
        const { sku, name, price, currency } = this.products.get(productId)!;
        return { productId, sku, name, quantity, unitPrice: price, currency };
      }),
    };
    this.reservations.set(orderId, reservation);
    return reservation;
  }

  async release({ orderId, restockCommitted }: ReservationRefDto): Promise<ReservationDto> {
    await this.enter('release', orderId);
    const reservation = this.reservations.get(orderId) ?? { orderId, status: 'released', lines: [] };
    if (reservation.status === 'committed' && !restockCommitted)
      throw new AppError(
        409,
        ErrorCode.ReservationCommitted,
        'The order is paid; restocking it needs restockCommitted',
      );
    if (reservation.status === 'reserved' || (reservation.status === 'committed' && restockCommitted)) {
      for (const line of reservation.lines) this.products.get(line.productId)!.stock += line.quantity;
      reservation.status = 'released';
    }
    this.reservations.set(orderId, reservation);
    return reservation;
  }

  async commit({ orderId }: ReservationRefDto): Promise<ReservationDto> {
    await this.enter('commit', orderId);
    const reservation = this.reservations.get(orderId);
    if (!reservation) throw new AppError(404, ErrorCode.NotFound, 'Reservation not found');
    if (reservation.status === 'reserved') reservation.status = 'committed';
    return reservation;
  }

  async getProducts({ ids }: GetProductsRequest): Promise<ProductDto[]> {
    await this.enter('getProducts');
    return ids.flatMap((id) => {
      const product = this.products.get(id);
      if (!product) return [];
      const at = new Date(0).toISOString();
      return [{ ...product, description: '', category: null, version: 1, createdAt: at, updatedAt: at }];
    });
  }

  /** Like a call over TCP, the answer comes on a later turn, so concurrent callers interleave. */
  private async enter(call: Call, orderId?: string): Promise<void> {
    this.calls.push({ call, orderId });
    await new Promise((resolve) => setImmediate(resolve));
    const failure = this.failures.get(call);
    if (failure) {
      this.failures.delete(call);
      throw failure;
    }
  }
}
