import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ErrorCode } from '@shop/contracts';
import { DatabaseModule, EventsModule, loadEventsConfig } from '@shop/service-defaults';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ProductCacheModule } from '../cache/product-cache.module';
import { schema } from '../db/schema';
import { ProductService } from '../products/product.service';
import { ProductsModule } from '../products/products.module';
import { ReservationService } from './reservation.service';
import { StockModule } from './stock.module';

/** The catalog's real stock and products modules in this process, on in-memory PGlite with its migrations. */
let catalog: TestingModule;
let reservations: ReservationService;
let products: ProductService;

beforeAll(async () => {
  Logger.overrideLogger(false);
  catalog = await Test.createTestingModule({
    imports: [
      DatabaseModule.forRoot({ dataDir: 'memory://', schema, migrationsFolder: join(__dirname, '../db/migrations') }),
      ProductCacheModule.forRoot({ redisUrl: undefined, ttlSeconds: 60 }),
      EventsModule.forRoot({ config: loadEventsConfig('catalog', { OUTBOX_POLL_MS: String(3_600_000) }) }),
      ProductsModule,
      StockModule,
    ],
  }).compile();
  await catalog.init();
  reservations = catalog.get(ReservationService);
  products = catalog.get(ProductService);
});
afterAll(() => catalog?.close());

const newProduct = (stock: number) =>
  products.create({ sku: `S-${randomUUID().slice(0, 8)}`, name: 'Contended', price: 700, stock });
const stockOf = async (id: string) => (await products.get(id)).stock;

describe('stock reservations (StockModule on PGlite)', () => {
  it('never reserves more than the stock when orders race for it', async () => {
    const product = await newProduct(5);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => reservations.reserve(randomUUID(), [{ productId: product.id, quantity: 1 }])),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected'))
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.InsufficientStock });
    expect(await stockOf(product.id)).toBe(0);
  });

  it('holds nothing when one line of an order is short: all or nothing', async () => {
    const plenty = await newProduct(10);
    const scarce = await newProduct(1);
    await expect(
      reservations.reserve(randomUUID(), [
        { productId: plenty.id, quantity: 3 },
        { productId: scarce.id, quantity: 2 },
      ]),
    ).rejects.toMatchObject({ code: ErrorCode.InsufficientStock });
    expect([await stockOf(plenty.id), await stockOf(scarce.id)]).toEqual([10, 1]);
  });

  it('answers a repeated reserve with the first reservation, and releases it once', async () => {
    const product = await newProduct(8);
    const orderId = randomUUID();
    const lines = [{ productId: product.id, quantity: 3 }];
    const [first, second] = await Promise.all([
      reservations.reserve(orderId, lines),
      reservations.reserve(orderId, lines),
    ]);
    expect(second).toEqual(first);
    expect(await stockOf(product.id)).toBe(5);
    await Promise.all([reservations.release(orderId), reservations.release(orderId)]);
    expect(await stockOf(product.id)).toBe(8);
    await expect(reservations.reserve(orderId, lines)).rejects.toMatchObject({ code: ErrorCode.ReservationReleased });
  });

  it('keeps a committed reservation sold unless the orders app restocks it explicitly', async () => {
    const product = await newProduct(4);
    const orderId = randomUUID();
    await reservations.reserve(orderId, [{ productId: product.id, quantity: 4 }]);
    await reservations.commit(orderId);
    await expect(reservations.release(orderId)).rejects.toMatchObject({ code: ErrorCode.ReservationCommitted });
    expect(await stockOf(product.id)).toBe(0);
    await reservations.release(orderId, true);
    expect(await stockOf(product.id)).toBe(4);
  });
});
