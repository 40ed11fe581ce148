import { accessToken, ADMIN_ENV, TEST_ADDRESS, TEST_ADMIN, type TestSystem, TestSystem as System } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

export const TWILIO = { sid: `AC${'a1'.repeat(16)}`, token: 'twilio-test-token', from: '+15005550006' };

/** A system with the notifications app mailing `smtpUrl`, texting through `twilioUrl`, and an admin token. */
export async function startShop(
  label: string,
  {
    smtpUrl,
    twilioUrl,
    rabbitmqUrl,
    notifications = {},
    orders = {},
  }: {
    smtpUrl: string;
    twilioUrl?: string;
    rabbitmqUrl?: string;
    notifications?: Record<string, string>;
    orders?: Record<string, string>;
  },
) {
  const twilio: Record<string, string> = twilioUrl
    ? {
        TWILIO_ACCOUNT_SID: TWILIO.sid,
        TWILIO_AUTH_TOKEN: TWILIO.token,
        TWILIO_FROM: TWILIO.from,
        TWILIO_API_URL: twilioUrl,
      }
    : {};
  const system = await System.start({
    label,
    notifications: true,
    rabbitmqUrl,
    env: {
      auth: ADMIN_ENV,
      gateway: { THROTTLE_LIMIT: '1000000', AUTH_THROTTLE_LIMIT: '100000' },
      orders,
      notifications: {
        SMTP_URL: smtpUrl,
        SHOP_NAME: 'Test Shop',
        MAIL_FROM: 'Test Shop <shop@shop.test>',
        ...twilio,
        ...notifications,
      },
    },
  });
  return { system, admin: await accessToken(system, TEST_ADMIN) };
}

export async function newCustomer(system: TestSystem, name = 'Ada', mailbox = 'ada') {
  const credentials = { email: `${mailbox}-${randomUUID()}@shop.test`, password: 'customer-password-1' };
  const registered = await system.http.post('/api/v1/auth/register', { ...credentials, name });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
  return { id: registered.body.id as string, email: credentials.email, token: await accessToken(system, credentials) };
}

export async function newProduct(
  system: TestSystem,
  admin: string,
  fields: { name?: string; price?: number; stock?: number } = {},
) {
  const response = await system.http.post(
    '/api/v1/products',
    {
      sku: `SKU-${randomUUID().slice(0, 8)}`,
      name: 'Espresso beans',
      price: 2490,
      currency: 'EUR',
      stock: 1000,
      ...fields,
    },
    { token: admin },
  );
  if (response.status !== 201) throw new Error(`product: ${response.status} ${response.text}`);
  return response.body as { id: string; sku: string };
}

/**
 * Places an order under an Idempotency-Key and, as a client should, retries it with the same key
 * when the answer was lost (503/504 on a busy machine): never two orders for one call.
 */
export async function placeOrder(system: TestSystem, token: string, productId: string, quantity = 1) {
  const headers = { 'idempotency-key': randomUUID() };
  for (let attempt = 1; ; attempt++) {
    const response = await system.http.post(
      '/api/v1/orders',
      { items: [{ productId, quantity }], shippingAddress: TEST_ADDRESS },
      { token, headers },
    );
    if (response.status === 201) return response.body as { id: string; total: number };
    // 409 IDEMPOTENCY_KEY_IN_USE: the lost attempt is still running; its outcome comes with a later retry.
    const lost = response.status === 503 || response.status === 504 || response.body?.code === 'IDEMPOTENCY_KEY_IN_USE';
    if (!lost || attempt === 30) throw new Error(`order: ${response.status} ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs one statement on an app's own database. */
export async function queryDb(
  system: TestSystem,
  app: 'orders' | 'notifications',
  text: string,
  params: unknown[] = [],
) {
  const db = new Pool({ connectionString: system.databaseUrl(app), max: 1 });
  try {
    return (await db.query(text, params)).rows;
  } finally {
    await db.end();
  }
}
