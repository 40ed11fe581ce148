import { MAX_STOCK } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { CatalogApi } from '@shop/service-defaults';
import { accessToken, ADMIN_ENV, TEST_ADMIN, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

let system: TestSystem;
let admin: string;
/** Several connections, so requests reach the catalog side by side, not queued on one socket. */
let catalogClients: CatalogApi[];

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'catalog_concurrency',
    env: {
      auth: ADMIN_ENV,
      catalog: { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
      // The races read as fast as the machine allows, from one client address: the rate limit is not under test.
      gateway: { THROTTLE_LIMIT: '1000000' },
    },
  });
  admin = await accessToken(system, TEST_ADMIN);
  catalogClients = Array.from({ length: 4 }, () => new CatalogApi(system.address('catalog'), { timeoutMs: 20_000 }));
});
afterAll(async () => {
  catalogClients?.forEach((client) => client.transport.close());
  await system?.stop();
});

const catalog = (i = 0) => catalogClients[i % catalogClients.length];
const newProduct = async (stock: number) => {
  const response = await system.http.post(
    '/api/v1/products',
    { sku: `C-${randomUUID().slice(0, 8)}`, name: 'Contended', price: 500, stock },
    { token: admin },
  );
  return response.body as { id: string; version: number };
};
// The catalog's own count, over its TCP transport: the gateway's copy may trail it by up to 1 s.
const stockOf = async (id: string) => {
  const catalog = new CatalogApi(system.address('catalog'), { timeoutMs: 5_000 });
  try {
    return (await catalog.getProduct({ id })).stock;
  } finally {
    catalog.transport.close();
  }
};
const reserve = (orderId: string, lines: { productId: string; quantity: number }[], i = 0) =>
  catalog(i).reserve({ orderId, lines });
const release = (orderId: string, restockCommitted?: boolean, i = 0) =>
  catalog(i).release({ orderId, restockCommitted });
const outcome = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: AppError) => ({ ok: false as const, error }),
  );

describe('two admins editing one product', () => {
  it('20 concurrent PATCHes at one version: exactly one wins, nineteen get 409, nothing is lost', async () => {
    const product = await newProduct(1);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        system.http.patch(`/api/v1/products/${product.id}`, { name: `Edit ${i}`, version: 1 }, { token: admin }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'VERSION_CONFLICT')).toHaveLength(19);
    const final = await system.http.get(`/api/v1/products/${product.id}`);
    expect(final.body).toEqual(winners[0].body);
    expect(final.body.version).toBe(2);
  });
});

describe('buyers racing for stock', () => {
  it('200 concurrent reservations of 60 units, 50 of them contended: exactly the affordable ones succeed', async () => {
    // Five contended products with 10 units each, and a sixth with more units than are asked of it.
    const contended = await Promise.all(Array.from({ length: 5 }, () => newProduct(10)));
    const spare = await newProduct(10);
    const orders = Array.from({ length: 200 }, (_, i) => {
      const first = contended[i % 5].id;
      const second = contended[(i + 2) % 5].id;
      // One order in four takes two products: all its lines or none. Six single-line orders ask
      // for the spare product instead.
      if (i % 4 === 0) {
        return {
          orderId: randomUUID(),
          lines: [
            { productId: first, quantity: 1 },
            { productId: second, quantity: 1 },
          ],
        };
      }
      const productId = i % 25 === 1 ? spare.id : first;
      return { orderId: randomUUID(), lines: [{ productId, quantity: 1 }] };
    });
    const demand = new Map<string, number>();
    for (const line of orders.flatMap((order) => order.lines))
      demand.set(line.productId, (demand.get(line.productId) ?? 0) + 1);
    expect(demand.get(spare.id)).toBe(6);
    // Single-line orders alone ask each contended product for more than twice what it has.
    for (const product of contended) expect(demand.get(product.id)).toBeGreaterThan(20);

    const results = await Promise.all(orders.map((order, i) => outcome(reserve(order.orderId, order.lines, i))));

    const products = [...contended, spare];
    const finalStock = new Map(await Promise.all(products.map(async (p) => [p.id, await stockOf(p.id)] as const)));
    const reserved = new Map(products.map((p) => [p.id, 0]));
    results.forEach((result, i) => {
      if (result.ok) {
        expect(result.value.lines.map((l) => l.productId).sort()).toEqual(
          orders[i].lines.map((l) => l.productId).sort(),
        );
        for (const line of result.value.lines)
          reserved.set(line.productId, reserved.get(line.productId)! + line.quantity);
      } else {
        // A refusal is only ever for want of stock, and names only products that really ran out.
        expect(result.error.code).toBe('INSUFFICIENT_STOCK');
        const short = result.error.options.extensions!.products as { productId: string }[];
        expect(short.length).toBeGreaterThan(0);
        for (const { productId } of short) expect(finalStock.get(productId)).toBe(0);
      }
    });

    // Stock never grows during the race, so a contended product left with a unit would have
    // served every one of its single-line orders: more than it had. Each ends at exactly 0.
    for (const product of contended) {
      expect(finalStock.get(product.id)).toBe(0);
      expect(reserved.get(product.id)).toBe(10);
    }
    // The spare product could serve every order for it: all succeed, and the remainder is exact.
    expect(finalStock.get(spare.id)).toBe(4);
    expect(reserved.get(spare.id)).toBe(6);
    const spareOrders = orders
      .map((order, i) => [order, results[i]] as const)
      .filter(([o]) => o.lines[0].productId === spare.id);
    expect(spareOrders.every(([, result]) => result.ok)).toBe(true);

    // Exactly what was affordable: the successful orders hold 56 units, no more, no fewer.
    const succeeded = orders.filter((_, i) => results[i].ok);
    const unitsHeld = succeeded.reduce((units, order) => units + order.lines.length, 0);
    expect(unitsHeld).toBe(5 * 10 + 6);
    expect(results.filter((r) => !r.ok)).toHaveLength(200 - succeeded.length);

    // The catalog's own ledger agrees with what the callers were told: one reservation per
    // successful order and none for a refused one, and reserved + remaining = start per product.
    const db = new Client({ connectionString: system.databaseUrl('catalog') });
    await db.connect();
    try {
      const held = await db.query<{ order_id: string }>(
        `select order_id from reservations where order_id = any($1) and status = 'reserved'`,
        [orders.map((order) => order.orderId)],
      );
      expect(held.rows.map((row) => row.order_id).sort()).toEqual(succeeded.map((order) => order.orderId).sort());
      const { rows } = await db.query<{ product_id: string; reserved: string; stock: number }>(
        `select p.id as product_id, coalesce(sum(l.quantity), 0) as reserved, p.stock
           from products p left join reservation_lines l on l.product_id = p.id
          where p.id = any($1) group by p.id`,
        [products.map((p) => p.id)],
      );
      expect(rows).toHaveLength(6);
      for (const row of rows) expect(Number(row.reserved) + row.stock).toBe(10);
    } finally {
      await db.end();
    }
  });

  it('reservations arriving together share a transaction, each order still all or nothing', async () => {
    const plenty = await newProduct(100);
    const scarce = await newProduct(3);
    // 30 orders want a unit of each (3 can have it), 30 only a plentiful one; one order id is sent twice at once.
    const orders = Array.from({ length: 60 }, (_, i) => ({
      orderId: randomUUID(),
      lines:
        i < 30
          ? [
              { productId: plenty.id, quantity: 1 },
              { productId: scarce.id, quantity: 1 },
            ]
          : [{ productId: plenty.id, quantity: 1 }],
    }));
    const sent = [...orders, orders[59]];
    const results = await Promise.all(sent.map((order, i) => outcome(reserve(order.orderId, order.lines, i))));

    const both = results.slice(0, 30);
    expect(both.filter((r) => r.ok)).toHaveLength(3);
    for (const result of both.filter((r) => !r.ok)) {
      expect(!result.ok && [result.error.code, result.error.options.extensions]).toEqual([
        'INSUFFICIENT_STOCK',
        { products: [{ productId: scarce.id, requested: 1, available: 0 }] },
      ]);
    }
    expect(results.slice(30).every((r) => r.ok)).toBe(true);
    // The order sent twice got one reservation, and both requests its answer.
    expect(results[60]).toEqual(results[59]);
    expect(await stockOf(scarce.id)).toBe(0);
    expect(await stockOf(plenty.id)).toBe(100 - 3 - 30);

    const db = new Client({ connectionString: system.databaseUrl('catalog') });
    await db.connect();
    try {
      const { rows } = await db.query<{ order_id: string; tx: string; units: string }>(
        `select r.order_id, r.xmin::text as tx, coalesce(sum(l.quantity), 0) as units
           from reservations r left join reservation_lines l on l.order_id = r.order_id
          where r.order_id = any($1) group by r.order_id, r.xmin`,
        [orders.map((order) => order.orderId)],
      );
      const succeeded = orders.filter((_, i) => results[i].ok);
      // Refused orders hold nothing at all; each successful one exactly its lines.
      expect(rows.map((row) => row.order_id).sort()).toEqual(succeeded.map((order) => order.orderId).sort());
      for (const row of rows)
        expect(Number(row.units)).toBe(orders.find((order) => order.orderId === row.order_id)!.lines.length);
      // Fewer transactions than orders: rows written by one transaction share its xmin.
      expect(new Set(rows.map((row) => row.tx)).size).toBeLessThan(succeeded.length);
    } finally {
      await db.end();
    }
  });

  it('a multi-line order short on one product changes nothing and names that product', async () => {
    const plenty = await newProduct(5);
    const scarce = await newProduct(1);
    const result = await outcome(
      reserve(randomUUID(), [
        { productId: plenty.id, quantity: 2 },
        { productId: scarce.id, quantity: 2 },
      ]),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.options.extensions).toEqual({
      products: [{ productId: scarce.id, requested: 2, available: 1 }],
    });
    expect(await stockOf(plenty.id)).toBe(5);
    expect(await stockOf(scarce.id)).toBe(1);
  });

  it('names unknown products with 404', async () => {
    const known = await newProduct(5);
    const unknown = randomUUID();
    const result = await outcome(
      reserve(randomUUID(), [
        { productId: known.id, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ]),
    );
    expect(!result.ok && [result.error.status, result.error.options.extensions]).toEqual([
      404,
      { products: [unknown] },
    ]);
    expect(await stockOf(known.id)).toBe(5);
  });

  it('returns the authoritative price, currency and name of each line', async () => {
    const product = await newProduct(3);
    const reservation = await reserve(randomUUID(), [{ productId: product.id, quantity: 2 }]);
    expect(reservation.lines).toEqual([
      {
        productId: product.id,
        sku: expect.any(String),
        name: 'Contended',
        quantity: 2,
        unitPrice: 500,
        currency: 'USD',
      },
    ]);
  });
});

describe('retries', () => {
  it('a retried reserve, even ten at once, returns the same result and reserves once', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => reserve(orderId, [{ productId: product.id, quantity: 3 }], i)),
    );
    for (const result of results) expect(result).toEqual(results[0]);
    expect(await reserve(orderId, [{ productId: product.id, quantity: 3 }])).toEqual(results[0]);
    expect(await stockOf(product.id)).toBe(7);
  });

  it('a release, even ten at once, gives the stock back exactly once', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId: product.id, quantity: 4 }]);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => release(orderId, false, i)));
    for (const result of results) expect(result.status).toBe('released');
    expect(await release(orderId)).toEqual(expect.objectContaining({ status: 'released' }));
    expect(await stockOf(product.id)).toBe(10);
  });

  it('a release that overtakes its reserve makes the late reserve fail, holding nothing', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    expect((await release(orderId)).status).toBe('released');
    const late = await outcome(reserve(orderId, [{ productId: product.id, quantity: 1 }]));
    expect(!late.ok && late.error.code).toBe('RESERVATION_RELEASED');
    expect(await stockOf(product.id)).toBe(10);
  });

  it('a committed reservation is released only by an explicit restock, once', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId: product.id, quantity: 2 }]);
    expect((await catalog().commit({ orderId })).status).toBe('committed');
    expect((await catalog().commit({ orderId })).status).toBe('committed');
    const refused = await outcome(release(orderId));
    expect(!refused.ok && refused.error.code).toBe('RESERVATION_COMMITTED');
    expect(await stockOf(product.id)).toBe(8);
    await Promise.all([release(orderId, true, 0), release(orderId, true, 1)]);
    expect(await stockOf(product.id)).toBe(10);
  });
});

describe('stock near the ceiling', () => {
  const adjust = (id: string, delta: number) =>
    system.http.post(`/api/v1/products/${id}/stock-adjustments`, { delta, reason: 'count' }, { token: admin });
  /** Straight in the catalog's database, past the API (and so past its cache: read it back here too). */
  const query = async (text: string, params: unknown[]) => {
    const db = new Client({ connectionString: system.databaseUrl('catalog') });
    await db.connect();
    return db.query(text, params).finally(() => db.end());
  };
  const setStock = (id: string, stock: number) => query('update products set stock = $2 where id = $1', [id, stock]);
  const storedStock = async (id: string) =>
    (await query('select stock from products where id = $1', [id])).rows[0].stock;

  it('a release gives back every unit it held, even above MAX_STOCK', async () => {
    const product = await newProduct(MAX_STOCK);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId: product.id, quantity: 1000 }]);
    expect((await adjust(product.id, 1000)).body.stockAfter).toBe(MAX_STOCK);
    expect((await release(orderId)).status).toBe('released');
    expect(await stockOf(product.id)).toBe(MAX_STOCK + 1000);
    expect((await adjust(product.id, 1)).body.code).toBe('STOCK_LIMIT_EXCEEDED');
  });

  it('a release that would pass the column ceiling is 409 STOCK_LIMIT_EXCEEDED and releases nothing', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId: product.id, quantity: 10 }]);
    // A billion units more than adjustments allow: only that many units held by orders could get here.
    await setStock(product.id, 2 * MAX_STOCK - 5);
    const refused = await outcome(release(orderId));
    expect(!refused.ok && [refused.error.status, refused.error.code]).toEqual([409, 'STOCK_LIMIT_EXCEEDED']);
    expect(await storedStock(product.id)).toBe(2 * MAX_STOCK - 5);
    await setStock(product.id, 0);
    expect((await release(orderId)).status).toBe('released');
    expect(await storedStock(product.id)).toBe(10);
  });
});

describe('product cache (Redis)', () => {
  it('never serves a version older than the last write that returned', async () => {
    const product = await newProduct(1);
    let stop = false;
    const readers = Array.from({ length: 4 }, async () => {
      while (!stop) await system.http.get(`/api/v1/products/${product.id}`);
    });
    try {
      for (let version = 1; version <= 15; version++) {
        const written = await system.http.patch(
          `/api/v1/products/${product.id}`,
          { price: version, version },
          { token: admin },
        );
        expect(written.status).toBe(200);
        const read = await system.http.get(`/api/v1/products/${product.id}`);
        expect(read.body.version).toBeGreaterThanOrEqual(version + 1);
        expect(read.body.price).toBe(read.body.version - 1);
      }
    } finally {
      stop = true;
      await Promise.all(readers);
    }
  });

  it('shows stock taken by a reservation on the next read', async () => {
    const product = await newProduct(5);
    expect(await stockOf(product.id)).toBe(5); // cached
    await reserve(randomUUID(), [{ productId: product.id, quantity: 2 }]);
    expect(await stockOf(product.id)).toBe(3);
  });
});
