import {
  accessToken,
  ADMIN_ENV,
  type ApiResponse,
  type BackendName,
  TEST_ADDRESS,
  TEST_ADMIN,
  TestSystem,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Role, type OrderDto } from '@shop/contracts';
import { type ApiClientInstance, CatalogApi, OrdersApi } from '@shop/service-defaults';
import { Pool } from 'pg';

/** A system whose orders app runs its recovery rounds often, plus an admin token. */
export async function startShop(label: string, orders: Record<string, string> = {}) {
  const system = await TestSystem.start({
    label,
    env: {
      auth: ADMIN_ENV,
      gateway: { THROTTLE_LIMIT: '100000' },
      orders: { RECOVERY_INTERVAL_MS: '200', ...orders },
    },
  });
  return { system, admin: await accessToken(system, TEST_ADMIN) };
}

export async function newProduct(
  system: TestSystem,
  admin: string,
  fields: { price?: number; stock?: number; currency?: string } = {},
) {
  const response = await system.http.post(
    '/api/v1/products',
    { sku: `SKU-${randomUUID().slice(0, 8)}`, name: 'Thing', price: 1000, stock: 10, ...fields },
    { token: admin },
  );
  if (response.status !== 201) throw new Error(`product: ${response.status} ${response.text}`);
  return response.body as { id: string; sku: string; name: string; price: number; stock: number; currency: string };
}

/** One call to an app over its own TCP transport, past the gateway, whose copies may trail it by up to 1 s. */
async function askApp<Api extends ApiClientInstance, T>(api: Api, call: (api: Api) => Promise<T>): Promise<T> {
  try {
    return await call(api);
  } finally {
    api.transport.close();
  }
}

/** The catalog's own count. */
export async function stockOf(system: TestSystem, productId: string): Promise<number> {
  const catalog = new CatalogApi(system.address('catalog'), { timeoutMs: 5_000 });
  return (await askApp(catalog, (api) => api.getProduct({ id: productId }))).stock;
}

/** The orders app's own answer to an admin reading the order. */
export function orderOf(system: TestSystem, orderId: string): Promise<OrderDto> {
  const orders = new OrdersApi(system.address('orders'), { timeoutMs: 5_000 });
  return askApp(orders, (api) => api.getOrder({ orderId, actor: { id: randomUUID(), role: Role.Admin } }));
}

export const placeOrder = (
  system: TestSystem,
  token: string,
  body: object = {},
  headers: Record<string, string> = {},
) => system.http.post('/api/v1/orders', { shippingAddress: TEST_ADDRESS, ...body }, { token, headers });

export function expectProblem(response: ApiResponse, status: number, code: string) {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
}

/** Runs one statement on the orders app's own database, for what the API does not show. */
export const queryOrdersDb = (system: TestSystem, text: string, params: unknown[] = []) =>
  queryDb(system, 'orders', text, params);

/** Runs one statement on an app's own database. */
export async function queryDb(system: TestSystem, app: BackendName, text: string, params: unknown[] = []) {
  const db = new Pool({ connectionString: system.databaseUrl(app), max: 1 });
  try {
    return (await db.query(text, params)).rows;
  } finally {
    await db.end();
  }
}

/** The statuses of an order's payments, oldest first, as the orders app stored them. */
export async function paymentStatuses(system: TestSystem, orderId: string): Promise<string[]> {
  const rows = await queryOrdersDb(system, 'select status from payments where order_id = $1 order by created_at', [
    orderId,
  ]);
  return rows.map((row) => row.status);
}
