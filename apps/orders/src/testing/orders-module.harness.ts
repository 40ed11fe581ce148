import { Logger, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type ActorDto, Role } from '@shop/contracts';
import {
  AppConfigModule,
  AuthApi,
  CatalogApi,
  DATABASE,
  type Database,
  DatabaseModule,
  EventsModule,
  loadEventsConfig,
} from '@shop/service-defaults';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CartModule } from '../app/cart/cart.module';
import { type OrdersSchema, schema } from '../app/db/schema';
import { loadOrdersConfig, ORDERS_CONFIG } from '../app/orders.config';
import { OrdersModule } from '../app/orders/orders.module';
import {
  type CaptureResult,
  type ChargeRequest,
  type ChargeResult,
  PAYMENT_PROVIDER,
  type PaymentProvider,
} from '../app/payments/payment-provider';
import { PaymentsModule } from '../app/payments/payments.module';
import { TestPaymentProvider } from '../app/payments/test-payment.provider';
import { RecoveryModule } from '../app/recovery/recovery.module';
import { FakeAddressBook } from './fake-address-book';
import { FakeCatalog } from './fake-catalog';

/** The test provider, recording the captures, voids and refunds it is asked for (by reference). */
export class CountingPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  readonly keepsPaymentMethod = false;
  readonly captures: string[] = [];
  readonly voids: string[] = [];
  readonly refunds: string[] = [];
  private readonly test = new TestPaymentProvider();

  authorize(request: ChargeRequest): Promise<ChargeResult> {
    return this.test.authorize(request);
  }

  async capture(reference: string): Promise<CaptureResult> {
    this.captures.push(reference);
    return 'captured';
  }

  async void(reference: string): Promise<void> {
    this.voids.push(reference);
  }

  replay(): Promise<ChargeResult> {
    return this.test.replay();
  }

  async refund(reference: string): Promise<void> {
    this.refunds.push(reference);
  }
}

export interface OrdersHarness {
  get<T>(type: Type<T>): T;
  db: Database<OrdersSchema>;
  catalog: FakeCatalog;
  addressBook: FakeAddressBook;
  provider: CountingPaymentProvider;
  close(): Promise<void>;
}

/**
 * The orders app's real feature modules in this process, on a fresh in-memory PGlite database
 * with the app's migrations, the catalog replaced by {@link FakeCatalog} and the address book by {@link FakeAddressBook}. Recovery's timer is
 * left idle (tests run its rounds themselves).
 */
export async function startOrdersModules(): Promise<OrdersHarness> {
  // Module tests provoke failures on purpose; their warnings are noise here.
  Logger.overrideLogger(false);
  const catalog = new FakeCatalog();
  const addressBook = new FakeAddressBook();
  const provider = new CountingPaymentProvider();
  const module: TestingModule = await Test.createTestingModule({
    imports: [
      DatabaseModule.forRoot({
        dataDir: 'memory://',
        schema,
        migrationsFolder: join(__dirname, '../app/db/migrations'),
      }),
      AppConfigModule.forRoot(ORDERS_CONFIG, loadOrdersConfig({ RECOVERY_INTERVAL_MS: String(3_600_000) })),
      // Events are written to the outbox as in the app; its relay is left idle (nobody to deliver to).
      EventsModule.forRoot({ config: loadEventsConfig('orders', { OUTBOX_POLL_MS: String(3_600_000) }) }),
      OrdersModule,
      CartModule,
      PaymentsModule,
      RecoveryModule,
    ],
  })
    .overrideProvider(CatalogApi)
    .useValue(catalog)
    .overrideProvider(AuthApi)
    .useValue(addressBook)
    .overrideProvider(PAYMENT_PROVIDER)
    .useValue(provider)
    .compile();
  await module.init();
  return {
    get: (type) => module.get(type),
    db: module.get(DATABASE),
    catalog,
    addressBook,
    provider,
    close: () => module.close(),
  };
}

export const customer = (): ActorDto => ({ id: randomUUID(), role: Role.Customer });
export const ADMIN: ActorDto = { id: randomUUID(), role: Role.Admin };
