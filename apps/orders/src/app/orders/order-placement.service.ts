import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ActorDto,
  type CreateOrderRequest,
  ErrorCode,
  type OrderDto,
  type PostalAddressView,
  type ReservationDto,
  type StockLineDto,
} from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import {
  AuthApi,
  businessMetrics,
  CatalogApi,
  DATABASE,
  type Database,
  isUniqueViolation,
} from '@shop/service-defaults';
import { and, asc, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { cartItems, orders, type OrdersSchema } from '../db/schema';
import { IdempotencyService, type KeyClaim } from '../idempotency/idempotency.service';
import { mergeLines } from './order-lines';
import { InternalStatus } from './order-status.machine';
import { OrderRepository } from './order.repository';
import { OrderStore } from './order.store';

/** Totals are int4 minor units. */
const MAX_TOTAL = 2_147_483_647;

/**
 * Places orders. The row is written as `reserving` before the catalog is asked, so whatever
 * happens next leaves a trace: success turns it `pending` in one transaction with its items;
 * a failure releases the reservation and deletes it; a crash leaves it to the recovery job.
 */
@Injectable()
export class OrderPlacement {
  private readonly logger = new Logger(OrderPlacement.name);

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    private readonly catalog: CatalogApi,
    private readonly auth: AuthApi,
    private readonly idempotency: IdempotencyService,
    private readonly repository: OrderRepository,
    private readonly store: OrderStore,
  ) {}

  create({ actor, idempotencyKey, items, shippingAddressId, shippingAddress }: CreateOrderRequest): Promise<OrderDto> {
    const fingerprint = {
      operation: 'create-order',
      items: items ?? null,
      shippingAddressId: shippingAddressId ?? null,
      shippingAddress: shippingAddress ?? null,
    };
    // The key is claimed with the order's first row and answered with its confirmation.
    return this.idempotency.runClaiming(actor.id, idempotencyKey, fingerprint, async (claim) =>
      this.place(actor, items, await this.shipTo(actor, { shippingAddressId, shippingAddress }), claim),
    );
  }

  /** The copy of the address the order keeps: from the caller's book (someone else's entry is 404), or as given. */
  private async shipTo(
    actor: ActorDto,
    { shippingAddressId, shippingAddress }: Pick<CreateOrderRequest, 'shippingAddressId' | 'shippingAddress'>,
  ): Promise<PostalAddressView> {
    const address = shippingAddressId
      ? await this.auth.getAddress({ userId: actor.id, addressId: shippingAddressId })
      : shippingAddress;
    if (!address)
      throw new AppError(400, ErrorCode.ValidationFailed, 'shippingAddressId or shippingAddress is required');
    const { name, line1, line2, city, region, postalCode, country, phone } = address;
    return {
      name,
      line1,
      line2: line2 || null,
      city,
      region: region || null,
      postalCode: postalCode || null,
      country,
      phone: phone || null,
    };
  }

  private async place(
    actor: ActorDto,
    items: StockLineDto[] | undefined,
    shippingAddress: PostalAddressView,
    claim: KeyClaim | undefined,
  ): Promise<OrderDto> {
    const fromCart = items === undefined;
    const lines = mergeLines(fromCart ? await this.cartLines(actor.id) : items);
    if (!lines.length) throw new AppError(422, ErrorCode.CartEmpty, 'Your cart is empty');

    const orderId = randomUUID();
    try {
      await this.store.insertReserving(orderId, actor.id, shippingAddress, claim);
    } catch (error) {
      // The key's claim was purged while its order stayed: the order answers for it.
      if (claim && isUniqueViolation(error, 'orders_user_idempotency_key_idx'))
        return this.placedBefore(actor, claim.key);
      throw error;
    }
    let reservation: ReservationDto;
    try {
      reservation = await this.catalog.reserve({ orderId, lines });
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.InsufficientStock)
        businessMetrics.ordersRejectedForStock.inc();
      // A refusal (no stock, unknown product) reserved nothing; anything else may have.
      await this.undo(orderId, !(error instanceof AppError && error.status < 500));
      throw error;
    }
    try {
      return await this.confirm(orderId, actor, reservation, shippingAddress, fromCart, claim);
    } catch (error) {
      await this.undo(orderId, true);
      throw error;
    }
  }

  private async confirm(
    orderId: string,
    actor: ActorDto,
    reservation: ReservationDto,
    shippingAddress: PostalAddressView,
    fromCart: boolean,
    claim: KeyClaim | undefined,
  ): Promise<OrderDto> {
    const currencies = new Set(reservation.lines.map((line) => line.currency));
    if (currencies.size !== 1) {
      throw new AppError(422, ErrorCode.MixedCurrencies, 'All products of one order must share a currency', {
        extensions: { currencies: [...currencies] },
      });
    }
    const items = reservation.lines.map(({ productId, sku, name, unitPrice, quantity }) => ({
      productId,
      sku,
      name,
      unitPrice,
      quantity,
      lineTotal: unitPrice * quantity,
    }));
    const total = items.reduce((sum, item) => sum + item.lineTotal, 0);
    if (total > MAX_TOTAL) throw new AppError(422, ErrorCode.ValidationFailed, 'The order total is too large');

    const order = await this.store.confirm(
      orderId,
      actor,
      { total, currency: [...currencies][0], items, shippingAddress, fromCart },
      claim,
    );
    // The recovery job judged this request dead and is releasing its stock.
    if (!order)
      throw new AppError(503, ErrorCode.ServiceUnavailable, 'The order could not be completed in time; try again');
    businessMetrics.ordersPlaced.inc();
    return order;
  }

  /** Gives back what may have been reserved and forgets the order; on failure the recovery job does both. */
  private async undo(orderId: string, release: boolean): Promise<void> {
    try {
      if (release) await this.catalog.release({ orderId });
      await this.store.deleteReserving(orderId);
    } catch (error) {
      this.logger.warn({ orderId, error: (error as Error).message }, 'Could not undo a failed order; recovery will');
    }
  }

  /** The order an earlier request with this key placed, once it is placed; it may still be in flight or being undone. */
  private async placedBefore(actor: ActorDto, idempotencyKey: string): Promise<OrderDto> {
    const order = await this.db.query.orders.findFirst({
      where: and(eq(orders.userId, actor.id), eq(orders.idempotencyKey, idempotencyKey)),
    });
    if (!order || order.status === InternalStatus.Reserving || order.status === InternalStatus.Abandoned) {
      throw new AppError(
        409,
        ErrorCode.IdempotencyKeyInUse,
        'A request with this Idempotency-Key is still in progress; retry later',
      );
    }
    return this.repository.toDto(order);
  }

  private async cartLines(userId: string): Promise<StockLineDto[]> {
    return this.db
      .select({ productId: cartItems.productId, quantity: cartItems.quantity })
      .from(cartItems)
      .where(eq(cartItems.userId, userId))
      .orderBy(asc(cartItems.addedAt));
  }
}
