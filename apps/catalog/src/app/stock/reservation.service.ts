import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type ReservationDto,
  type ReservationStatus,
  type ReservedLine,
  type StockLineDto,
  type StockShortage,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { DATABASE, type Database, onConstraintViolation, type Transaction } from '@shop/service-defaults';
import { and, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import { ProductCache } from '../cache/product-cache';
import { type CatalogSchema, products, reservationLines, reservations, STOCK_CEILING } from '../db/schema';
import { CatalogEvents } from '../events/catalog-events';

const STOCK_CEILING_CHECK = 'products_stock_ceiling_check';

/**
 * Stock held for orders. Every change is one transaction: a reservation takes all its lines or
 * none, each decrement conditional on `stock >= quantity`; release and commit move the
 * reservation out of `reserved` in a conditional UPDATE, so each happens at most once.
 */
@Injectable()
export class ReservationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<CatalogSchema>,
    private readonly cache: ProductCache,
    private readonly events: CatalogEvents,
  ) {}

  /** Idempotent per order id: a retry gets the first answer and reserves nothing more. */
  async reserve(orderId: string, requested: StockLineDto[]): Promise<ReservationDto> {
    const lines = mergeLines(requested);
    const { reservation, touched } = await this.db.transaction(async (tx) => {
      // A concurrent retry with the same order id waits here until this transaction ends.
      const [claimed] = await tx
        .insert(reservations)
        .values({ orderId, status: 'reserved' })
        .onConflictDoNothing()
        .returning();
      if (!claimed) {
        const existing = await this.existing(tx, orderId);
        if (existing.status === 'released') {
          throw new AppError(409, ErrorCode.ReservationReleased, 'This order was already given up; use a new order id');
        }
        return { reservation: existing, touched: [] };
      }

      // Locking rows in id order means two multi-line orders can never deadlock.
      const reserved: ReservedLine[] = [];
      const touched: { id: string; version: number }[] = [];
      const shortages: StockLineDto[] = [];
      for (const line of lines) {
        const [product] = await tx
          .update(products)
          .set({
            stock: sql`${products.stock} - ${line.quantity}`,
            version: sql`${products.version} + 1`,
            updatedAt: sql`now()`,
          })
          .where(and(eq(products.id, line.productId), isNull(products.deletedAt), gte(products.stock, line.quantity)))
          .returning();
        if (!product) {
          shortages.push(line);
          continue;
        }
        touched.push(product);
        // Every order moves stock; an event each would lengthen the lock every buyer of the product
        // queues on. Consumers care about the crossing: the last unit gone.
        if (product.stock === 0) await this.events.stockChanged(tx, product, -line.quantity, 'reserved');
        reserved.push({
          productId: product.id,
          sku: product.sku,
          name: product.name,
          quantity: line.quantity,
          unitPrice: product.price,
          currency: product.currency,
        });
      }
      // Throwing rolls back every decrement made above.
      if (shortages.length) throw await this.shortageError(tx, shortages);
      await tx.insert(reservationLines).values(reserved.map((line) => ({ ...line, orderId })));
      return { reservation: { orderId, status: 'reserved' as const, lines: reserved }, touched };
    });
    await this.cache.invalidateMany(touched);
    return reservation;
  }

  /**
   * Gives the stock back exactly once. Releasing an order that reserved nothing leaves a
   * `released` marker, so a reserve for it that arrives late (say, after a timeout) is refused
   * instead of holding stock nobody will release.
   */
  async release(orderId: string, restockCommitted = false): Promise<ReservationDto> {
    const from: ReservationStatus[] = restockCommitted ? ['reserved', 'committed'] : ['reserved'];
    const { reservation, touched } = await this.db.transaction(async (tx) => {
      const [released] = await tx
        .update(reservations)
        .set({ status: 'released', updatedAt: sql`now()` })
        .where(and(eq(reservations.orderId, orderId), inArray(reservations.status, from)))
        .returning();
      if (!released) {
        await tx.insert(reservations).values({ orderId, status: 'released' }).onConflictDoNothing();
        const current = await this.existing(tx, orderId);
        if (current.status === 'committed') {
          throw new AppError(
            409,
            ErrorCode.ReservationCommitted,
            'The order is paid; restocking it needs restockCommitted',
          );
        }
        return { reservation: current, touched: [] };
      }
      const lines = await tx
        .select()
        .from(reservationLines)
        .where(eq(reservationLines.orderId, orderId))
        .orderBy(reservationLines.productId);
      const touched: { id: string; version: number }[] = [];
      for (const line of lines) {
        // Only this restock can meet the stock ceiling's CHECK.
        const [product] = await onConstraintViolation({ [STOCK_CEILING_CHECK]: ceilingReached }, () =>
          tx
            .update(products)
            .set({
              stock: sql`${products.stock} + ${line.quantity}`,
              version: sql`${products.version} + 1`,
              updatedAt: sql`now()`,
            })
            .where(eq(products.id, line.productId))
            .returning({ id: products.id, stock: products.stock, version: products.version }),
        );
        touched.push(product);
        if (product.stock === line.quantity) await this.events.stockChanged(tx, product, line.quantity, 'released');
      }
      return { reservation: { orderId, status: 'released' as const, lines: lines.map(toReservedLine) }, touched };
    });
    await this.cache.invalidateMany(touched);
    return reservation;
  }

  /** Marks the reservation final (the order is paid): from now on only an explicit restock releases it. */
  async commit(orderId: string): Promise<ReservationDto> {
    return this.db.transaction(async (tx) => {
      await tx
        .update(reservations)
        .set({ status: 'committed', updatedAt: sql`now()` })
        .where(and(eq(reservations.orderId, orderId), eq(reservations.status, 'reserved')));
      const current = await this.existing(tx, orderId);
      if (current.status === 'released') {
        throw new AppError(409, ErrorCode.ReservationReleased, 'The reservation was released; its stock is gone');
      }
      return current;
    });
  }

  private async existing(tx: Transaction<CatalogSchema>, orderId: string): Promise<ReservationDto> {
    const reservation = await tx.query.reservations.findFirst({ where: eq(reservations.orderId, orderId) });
    if (!reservation) throw new AppError(404, ErrorCode.NotFound, 'No reservation for this order');
    const lines = await tx
      .select()
      .from(reservationLines)
      .where(eq(reservationLines.orderId, orderId))
      .orderBy(reservationLines.productId);
    return { orderId, status: reservation.status, lines: lines.map(toReservedLine) };
  }

  /** Names every product that fell short: unknown or deleted ones (404) first, else the short ones (409). */
  private async shortageError(tx: Transaction<CatalogSchema>, shortages: StockLineDto[]): Promise<AppError> {
    const ids = shortages.map((line) => line.productId);
    const found = await tx
      .select({ id: products.id, stock: products.stock })
      .from(products)
      .where(and(inArray(products.id, ids), isNull(products.deletedAt)));
    const stockOf = new Map(found.map((product) => [product.id, product.stock]));
    const missing = ids.filter((id) => !stockOf.has(id));
    if (missing.length) {
      return new AppError(404, ErrorCode.NotFound, `Unknown products: ${missing.join(', ')}`, {
        extensions: { products: missing },
      });
    }
    const short: StockShortage[] = shortages.map((line) => ({
      productId: line.productId,
      requested: line.quantity,
      available: stockOf.get(line.productId)!,
    }));
    return new AppError(409, ErrorCode.InsufficientStock, `Not enough stock for: ${ids.join(', ')}`, {
      extensions: { products: short },
    });
  }
}

/** Releases never stop at MAX_STOCK (they give back what was taken), only at the column's ceiling. */
const ceilingReached = () =>
  new AppError(
    409,
    ErrorCode.StockLimitExceeded,
    `Giving these units back would take stock above ${STOCK_CEILING}; nothing was released`,
    { extensions: { maxStock: STOCK_CEILING } },
  );

/** One line per product (quantities added up), in product id order. */
export function mergeLines(lines: StockLineDto[]): StockLineDto[] {
  const quantities = new Map<string, number>();
  for (const line of lines) quantities.set(line.productId, (quantities.get(line.productId) ?? 0) + line.quantity);
  return [...quantities]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }));
}

const toReservedLine = (line: typeof reservationLines.$inferSelect): ReservedLine => ({
  productId: line.productId,
  sku: line.sku,
  name: line.name,
  quantity: line.quantity,
  unitPrice: line.unitPrice,
  currency: line.currency,
});
