import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ORDER_STATUSES, OrderStatus } from '@shop/contracts';
import { CatalogApi, DATABASE, type Database } from '@shop/service-defaults';
import { and, eq, ne, or } from 'drizzle-orm';
import { olderThan } from '../db/older-than';
import { orders, type OrdersSchema } from '../db/schema';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';
import { OrderLifecycle, SYSTEM } from '../orders/order-lifecycle.service';
import { OrderStore } from '../orders/order.store';
import { PaymentRecovery } from '../payments/payment-recovery.service';
import { PaymentSettlement } from '../payments/payment-settlement.service';
import { InternalStatus, rethrowUnlessMoveRefused, STOCK_FOR_STATUS } from '../orders/order-status.machine';

/** Orders handled per step and round, so one round stays short. */
const BATCH = 100;

/**
 * Finishes or undoes what requests left half-way, on a timer. Every step is safe to run on
 * several replicas at once: rows are claimed by conditional updates, and the catalog's release
 * and commit are idempotent.
 */
@Injectable()
export class OrderRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderRecovery.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(DATABASE) private readonly db: Database<OrdersSchema>,
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
    private readonly catalog: CatalogApi,
    private readonly lifecycle: OrderLifecycle,
    private readonly store: OrderStore,
    private readonly idempotency: IdempotencyService,
    private readonly settlement: PaymentSettlement,
    private readonly payments: PaymentRecovery,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.config.recovery.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round; a round still running is not started twice. */
  runOnce(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    for (const step of [
      this.undoAbandoned,
      // Before expiry, so an order whose payment went through is not cancelled for want of it.
      this.resolvePayments,
      this.expireUnpaid,
      this.syncStock,
      this.releaseCancelled,
      this.purgeKeys,
    ]) {
      try {
        await step.call(this);
      } catch (error) {
        this.logger.warn(
          { step: step.name, error: (error as Error).message },
          'Recovery step failed; retrying next round',
        );
      }
    }
  }

  /**
   * Orders reserving for longer than any request lives lost their request. Each is claimed
   * (`abandoned`), so a late confirmation cannot slip in, then released (which also refuses a
   * reserve still in flight) and deleted. A failed release is retried next round.
   */
  private async undoAbandoned(): Promise<void> {
    await this.store.abandonReservingOlderThan(this.config.recovery.stuckAfterSeconds);
    const abandoned = await this.db
      .select({ id: orders.id })
      .from(orders)
      .where(eq(orders.status, InternalStatus.Abandoned))
      .limit(BATCH);
    for (const { id } of abandoned) {
      await this.catalog.release({ orderId: id });
      await this.store.deleteAbandoned(id);
      this.logger.log({ orderId: id }, 'Undid an abandoned order');
    }
  }

  private async expireUnpaid(): Promise<void> {
    const expired = await this.db
      .select({ id: orders.id })
      .from(orders)
      .where(
        and(eq(orders.status, OrderStatus.Pending), olderThan(orders.createdAt, this.config.recovery.orderTtlSeconds)),
      )
      .limit(BATCH);
    for (const { id } of expired) {
      // A payment or the customer moved it first: nothing left to expire. A payment in flight
      // keeps it: once settled, the order is paid, or expires a round later.
      await this.lifecycle.transition(id, OrderStatus.Cancelled, SYSTEM, 'expired').catch(rethrowUnlessMoveRefused);
    }
  }

  /** Orders whose stock call to the catalog failed after their status changed. */
  private async syncStock(): Promise<void> {
    const behind = await this.db
      .select()
      .from(orders)
      .where(
        or(
          ...ORDER_STATUSES.map((status) => and(eq(orders.status, status), ne(orders.stock, STOCK_FOR_STATUS[status]))),
        ),
      )
      .limit(BATCH);
    for (const order of behind) await this.lifecycle.syncStock(order);
  }

  /**
   * Payments whose request died between claiming and settling them: the provider is asked again
   * under the same idempotency key. Then captures whose order the request never moved to paid.
   */
  private async resolvePayments(): Promise<void> {
    await this.payments.resolveUnanswered(this.config.recovery.stuckAfterSeconds, BATCH);
    await this.payments.finishCaptured(this.config.recovery.stuckAfterSeconds, BATCH);
    await this.payments.letGoLapsingAuthorizations(this.config.recovery.authorizationTtlSeconds, BATCH);
  }

  private releaseCancelled(): Promise<void> {
    return this.settlement.releaseOutstanding(this.config.recovery.stuckAfterSeconds);
  }

  private purgeKeys(): Promise<void> {
    return this.idempotency.purge(this.config.recovery.stuckAfterSeconds);
  }
}
