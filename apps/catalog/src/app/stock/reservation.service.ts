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
import {
  DATABASE,
  type Database,
  GroupCommit,
  onConstraintViolation,
  type Outcome,
  type PreparedStatement,
  preparedStatement,
  type Transaction,
} from '@shop/service-defaults';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { ProductCache } from '../cache/product-cache';
import { type CatalogSchema, products, reservationLines, reservations, STOCK_CEILING } from '../db/schema';
import { CatalogEvents } from '../events/catalog-events';

const STOCK_CEILING_CHECK = 'products_stock_ceiling_check';

/**
 * $1 product ids. Locked in id order, as every batch locks them, so batches on several replicas
 * never deadlock.
 */
const LOCK_PRODUCTS = `
  select id, sku, name, price, currency, stock from products
  where id = any($1::uuid[]) and deleted_at is null
  order by id
  for update`;

/** $1 order ids, in the order they are claimed; answers those this batch claimed (not taken before). */
const CLAIM = `
  insert into reservations (order_id, status)
  select order_id, 'reserved' from unnest($1::uuid[]) with ordinality as o(order_id, n) order by n
  on conflict do nothing
  returning order_id as "orderId"`;

/**
 * $1 refused order ids (their claims go), $2 and $3 the products and the quantity each loses, $4
 * the lines held (json: order id and line). Each decrement is still conditional on
 * `stock >= quantity`; answers the products it moved, as they are now.
 */
const TAKE = `
  with refused as (
    delete from reservations where order_id = any($1::uuid[])),
  held as (
    insert into reservation_lines (order_id, product_id, quantity, sku, name, unit_price, currency)
    select "orderId", "productId", quantity, sku, name, "unitPrice", currency
    from jsonb_to_recordset($4::jsonb)
      as l("orderId" uuid, "productId" uuid, quantity int, sku text, name text, "unitPrice" int, currency text))
  update products p
  set stock = p.stock - t.quantity, version = p.version + 1, updated_at = now()
  from unnest($2::uuid[], $3::int[]) as t(id, quantity)
  where p.id = t.id and p.stock >= t.quantity
  returning p.id, p.stock, p.version`;

/** Orders per reservation transaction at most: a batch's locks are held while it runs. */
const MAX_BATCH = 100;

type LockedProduct = Pick<typeof products.$inferSelect, 'id' | 'sku' | 'name' | 'price' | 'currency' | 'stock'>;

interface ReserveRequest {
  orderId: string;
  /** One per product, in product id order. */
  lines: StockLineDto[];
}

/**
 * Stock held for orders. Every change is one transaction: a reservation takes all its lines or
 * none (reservations arriving together share one transaction), each decrement conditional on
 * `stock >= quantity`; release and commit move the
 * reservation out of `reserved` in a conditional UPDATE, so each happens at most once.
 */
@Injectable()
export class ReservationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<CatalogSchema>,
    private readonly cache: ProductCache,
    private readonly events: CatalogEvents,
  ) {
    this.lockProducts = preparedStatement(db, 'catalog_reserve_lock_products', LOCK_PRODUCTS);
    this.claim = preparedStatement(db, 'catalog_reserve_claim', CLAIM);
    this.take = preparedStatement(db, 'catalog_reserve_take', TAKE);
  }

  // The reserving path's statements, prepared once per connection: building them with Drizzle on
  // every batch (and a statement per product) was about a fifth of what reserving cost this app.
  private readonly lockProducts: PreparedStatement<LockedProduct>;
  private readonly claim: PreparedStatement<{ orderId: string }>;
  private readonly take: PreparedStatement<{ id: string; stock: number; version: number }>;

  private readonly batches = new GroupCommit((requests: ReserveRequest[]) => this.reserveBatch(requests), MAX_BATCH);

  /**
   * Idempotent per order id: a retry gets the first answer and reserves nothing more. Reservations
   * arriving together are made in one transaction (see `reserveBatch`), each still all or nothing.
   */
  reserve(orderId: string, requested: StockLineDto[]): Promise<ReservationDto> {
    return this.batches.submit({ orderId, lines: mergeLines(requested) });
  }

  /**
   * Reserves for a batch of orders in one transaction: the products of the whole batch are locked
   * first (in id order, as every batch does, so batches on several replicas never deadlock), so
   * each order is judged, in arrival order, on stock nobody else can move until the commit. An
   * order gets all its lines or none, and a refused one holds nothing; then each product's stock
   * moves once for the whole batch, still conditional on `stock >= quantity`, in the statement
   * that also drops the refused claims and writes the held lines. A batch costs three prepared
   * statements between its begin and its commit however many orders and products it holds (a
   * repeat's answer and a product's last unit add theirs).
   */
  private async reserveBatch(requests: ReserveRequest[]): Promise<Outcome<ReservationDto>[]> {
    // The first request for an order id decides; a repeat in the same batch gets the same answer.
    const firsts = new Map<string, ReserveRequest>();
    for (const request of requests) if (!firsts.has(request.orderId)) firsts.set(request.orderId, request);
    const { outcomes, touched } = await this.db.transaction(async (tx) => {
      const productIds = [...new Set([...firsts.values()].flatMap(({ lines }) => lines.map((line) => line.productId)))];
      const available = new Map((await this.lockProducts([productIds], tx)).map((product) => [product.id, product]));
      // Claimed in id order too: a concurrent retry of one of them (say, hedged to another replica) waits here for this commit.
      const claimed = new Set((await this.claim([[...firsts.keys()].sort()], tx)).map((row) => row.orderId));
      const answers = new Map<string, Outcome<ReservationDto>>();
      const refused: string[] = [];
      const taken = new Map<string, number>();
      const held: (ReservedLine & { orderId: string })[] = [];
      for (const { orderId, lines } of firsts.values()) {
        if (!claimed.has(orderId)) {
          answers.set(orderId, await this.existingAnswer(tx, orderId));
          continue;
        }
        const error = shortageError(lines, available);
        if (error) {
          refused.push(orderId);
          answers.set(orderId, { error });
          continue;
        }
        const reserved = lines.map(({ productId, quantity }) => {
          const product = available.get(productId)!;
          product.stock -= quantity;
          taken.set(productId, (taken.get(productId) ?? 0) + quantity);
          const { sku, name, price: unitPrice, currency } = product;
          return { productId, sku, name, quantity, unitPrice, currency };
        });
        held.push(...reserved.map((line) => ({ ...line, orderId })));
        answers.set(orderId, { value: { orderId, status: 'reserved', lines: reserved } });
      }
      const outcomes = requests.map((request) => answers.get(request.orderId)!);
      if (!refused.length && !taken.size) return { outcomes, touched: [] };
      const touched = await this.take([refused, [...taken.keys()], [...taken.values()], JSON.stringify(held)], tx);
      // Unreachable while the rows are locked; throwing rolls the whole batch back rather than oversell.
      if (touched.length !== taken.size) throw new Error('Stock moved under its lock');
      for (const product of touched) {
        // Every order moves stock; consumers care about the crossing: the last unit gone.
        if (product.stock === 0) await this.events.stockChanged(tx, product, -taken.get(product.id)!, 'reserved');
      }
      return { outcomes, touched };
    });
    await this.cache.invalidateMany(touched);
    return outcomes;
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

  /** A claimed order id's reservation as a repeat gets it: the first answer, unless it was released. */
  private async existingAnswer(tx: Transaction<CatalogSchema>, orderId: string): Promise<Outcome<ReservationDto>> {
    const existing = await this.existing(tx, orderId);
    if (existing.status !== 'released') return { value: existing };
    return {
      error: new AppError(409, ErrorCode.ReservationReleased, 'This order was already given up; use a new order id'),
    };
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
}

/**
 * Why an order cannot have its lines from what is left: unknown or deleted products (404) first,
 * else every short line with what is left of it (409). Undefined when it can.
 */
function shortageError(lines: StockLineDto[], available: Map<string, { stock: number }>): AppError | undefined {
  const missing = lines.filter((line) => !available.has(line.productId)).map((line) => line.productId);
  if (missing.length) {
    return new AppError(404, ErrorCode.NotFound, `Unknown products: ${missing.join(', ')}`, {
      extensions: { products: missing },
    });
  }
  const short: StockShortage[] = lines
    .map((line) => ({
      productId: line.productId,
      requested: line.quantity,
      available: available.get(line.productId)!.stock,
    }))
    .filter((line) => line.available < line.requested);
  if (!short.length) return undefined;
  return new AppError(
    409,
    ErrorCode.InsufficientStock,
    `Not enough stock for: ${short.map((line) => line.productId).join(', ')}`,
    { extensions: { products: short } },
  );
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
