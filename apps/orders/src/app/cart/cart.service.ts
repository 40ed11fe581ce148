import { Inject, Injectable } from '@nestjs/common';
import { type CartDto, ErrorCode, MAX_LINE_QUANTITY, MAX_ORDER_LINES, type ProductDto } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { CatalogApi, DATABASE, type Database } from '@shop/service-defaults';
import { and, asc, count, eq, lte, ne, sql } from 'drizzle-orm';
import { cartItems, type OrdersSchema } from '../db/schema';

type CartRow = typeof cartItems.$inferSelect;

/** One cart per user, holding product ids and quantities only: prices and stock are always the catalog's current ones. */
@Injectable()
export class CartService {
  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly catalog: CatalogApi,
  ) {}

  async get(userId: string): Promise<CartDto> {
    const rows = await this.db
      .select()
      .from(cartItems)
      .where(eq(cartItems.userId, userId))
      .orderBy(asc(cartItems.addedAt), asc(cartItems.productId));
    // An empty cart needs no round trip to the catalog.
    const found = rows.length ? await this.catalog.getProducts({ ids: rows.map((row) => row.productId) }) : [];
    const products = new Map(found.map((product) => [product.id, product]));
    return toCartDto(rows, products);
  }

  /** Adds to the line's quantity; the sum may not pass the per-product cap. */
  async add(userId: string, productId: string, quantity: number): Promise<CartDto> {
    await this.requireProduct(productId);
    await this.requireRoomFor(userId, productId);
    const [row] = await this.db
      .insert(cartItems)
      .values({ userId, productId, quantity })
      .onConflictDoUpdate({
        target: [cartItems.userId, cartItems.productId],
        set: { quantity: sql`${cartItems.quantity} + excluded.quantity` },
        setWhere: lte(sql`${cartItems.quantity} + excluded.quantity`, MAX_LINE_QUANTITY),
      })
      .returning();
    if (!row) {
      throw new AppError(400, ErrorCode.ValidationFailed, `At most ${MAX_LINE_QUANTITY} units of one product`, {
        errors: { quantity: [`the cart would hold more than ${MAX_LINE_QUANTITY}`] },
      });
    }
    return this.get(userId);
  }

  /** Sets the line's quantity; 0 removes it. */
  async set(userId: string, productId: string, quantity: number): Promise<CartDto> {
    if (quantity === 0) return this.remove(userId, productId).then(() => this.get(userId));
    await this.requireProduct(productId);
    await this.requireRoomFor(userId, productId);
    await this.db
      .insert(cartItems)
      .values({ userId, productId, quantity })
      .onConflictDoUpdate({ target: [cartItems.userId, cartItems.productId], set: { quantity } });
    return this.get(userId);
  }

  async remove(userId: string, productId: string): Promise<void> {
    const removed = await this.db
      .delete(cartItems)
      .where(and(eq(cartItems.userId, userId), eq(cartItems.productId, productId)))
      .returning({ productId: cartItems.productId });
    if (!removed.length) throw new AppError(404, ErrorCode.NotFound, 'This product is not in your cart');
  }

  async clear(userId: string): Promise<void> {
    await this.db.delete(cartItems).where(eq(cartItems.userId, userId));
  }

  /** A cart holds at most as many products as one order may, so it can always be checked out. */
  private async requireRoomFor(userId: string, productId: string): Promise<void> {
    const [{ lines }] = await this.db
      .select({ lines: count() })
      .from(cartItems)
      .where(and(eq(cartItems.userId, userId), ne(cartItems.productId, productId)));
    if (lines >= MAX_ORDER_LINES) {
      throw new AppError(400, ErrorCode.ValidationFailed, `A cart holds at most ${MAX_ORDER_LINES} products`, {
        errors: { productId: [`the cart already holds ${MAX_ORDER_LINES} other products`] },
      });
    }
  }

  private async requireProduct(productId: string): Promise<void> {
    const [product] = await this.catalog.getProducts({ ids: [productId] });
    if (!product)
      throw new AppError(404, ErrorCode.NotFound, 'Product not found', { extensions: { products: [productId] } });
  }
}

/** Lines whose product left the catalog are not shown; checking out would refuse them anyway. */
export function toCartDto(rows: CartRow[], products: Map<string, ProductDto>): CartDto {
  const items = rows.flatMap((row) => {
    const product = products.get(row.productId);
    if (!product) return [];
    return [
      {
        productId: product.id,
        sku: product.sku,
        name: product.name,
        unitPrice: product.price,
        currency: product.currency,
        quantity: row.quantity,
        lineTotal: product.price * row.quantity,
        stock: product.stock,
        inStock: product.stock >= row.quantity,
      },
    ];
  });
  const totals = new Map<string, number>();
  for (const item of items) totals.set(item.currency, (totals.get(item.currency) ?? 0) + item.lineTotal);
  const byCurrency = [...totals]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, total]) => ({ currency, total }));
  // Adding cents to euro cents means nothing: a cart in several currencies has no single total.
  const single = byCurrency.length <= 1;
  return {
    items,
    total: single ? (byCurrency[0]?.total ?? 0) : null,
    currency: single ? (byCurrency[0]?.currency ?? null) : null,
    mixedCurrencies: !single,
    totals: byCurrency,
  };
}
