import {
  accessToken,
  ADMIN_ENV,
  type ApiResponse,
  type FuzzRequest,
  newCustomer,
  type OpenApiDocument,
  OpenApiArbitraries,
  OpenApiConformance,
  TEST_ADMIN,
  TestSystem,
  type SmtpSink,
  startSmtpSink,
  TEST_ADDRESS,
} from '@shop/testing';
import fc from 'fast-check';

/**
 * A property-based contract test driven by the gateway's own /docs-json: for every operation,
 * generated valid requests and requests with one part broken (body, parameter or header), sent
 * as anonymous, customer and admin. Whatever is sent, the answer is never a 5xx, every error is
 * problem+json with a documented status and code and the request id, every success matches its
 * documented schema, and a request the document calls valid is never refused for its form.
 *
 * `npm test` runs a fixed seed and FUZZ_RUNS (default 15) requests per operation and kind;
 * `npm run fuzz` runs more (FUZZ_RUNS, FUZZ_SEED to replay a failure).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
jest.setTimeout(Math.max(120_000, RUNS * 4_000));

/**
 * Fields a valid request may still be refused for with 400 VALIDATION_FAILED, because the rule
 * is about other data, not the field's form: a category that does not exist, a version that
 * disagrees with If-Match, a minimum above the maximum.
 */
const CROSS_FIELD = new Set(['categoryId', 'parentId', 'version', 'If-Match', 'minPrice', 'shippingAddressId']);
const FORM_CODES = new Set(['VALIDATION_FAILED', 'MALFORMED_JSON', 'BODY_TOO_DEEP']);

type Identity = 'anonymous' | 'customer' | 'admin';

let system: TestSystem;
let document: OpenApiDocument;
let arbitraries: OpenApiArbitraries;
let conformance: OpenApiConformance;
const tokens: Partial<Record<Identity, string>> = {};
/** Ids of rows that exist (or existed): valid requests draw from them as well as from random UUIDs. */
const knownIds = new Set<string>();

let smtp: SmtpSink;

beforeAll(async () => {
  // Every route's app runs, notifications too (GET /notifications), with a mail server to send to.
  smtp = await startSmtpSink();
  system = await TestSystem.start({
    label: 'fuzz',
    notifications: true,
    env: {
      auth: ADMIN_ENV,
      gateway: { AUTH_THROTTLE_LIMIT: '100000', THROTTLE_LIMIT: '100000' },
      notifications: { SMTP_URL: smtp.url },
    },
  });
  document = (await system.http.get('/docs-json')).body;
  tokens.admin = await accessToken(system, TEST_ADMIN);
  const customer = await newCustomer(system);
  tokens.customer = customer.token;
  knownIds.add(customer.id);
  const category = await system.http.post('/api/v1/categories', { name: 'Fuzzed' }, { token: tokens.admin });
  knownIds.add(category.body.id);
  const product = await system.http.post(
    '/api/v1/products',
    { sku: 'FUZZ-1', name: 'Fuzzed', price: 250, stock: 1000, categoryId: category.body.id },
    { token: tokens.admin },
  );
  knownIds.add(product.body.id);
  const order = await system.http.post(
    '/api/v1/orders',
    { items: [{ productId: product.body.id, quantity: 1 }], shippingAddress: TEST_ADDRESS },
    { token: tokens.customer },
  );
  knownIds.add(order.body.id);
  const address = await system.http.post('/api/v1/auth/me/addresses', TEST_ADDRESS, { token: tokens.customer });
  knownIds.add(address.body.id);
  arbitraries = new OpenApiArbitraries(document, () => [...knownIds]);
  conformance = new OpenApiConformance(document);
});
afterAll(async () => {
  await system?.stop();
  await smtp?.stop();
});

async function send(method: string, request: FuzzRequest, identity: Identity): Promise<ApiResponse> {
  const query = new URLSearchParams(request.query).toString();
  const body = request.body;
  return system.http.request(method.toUpperCase(), request.path + (query ? `?${query}` : ''), {
    headers: request.headers,
    token: tokens[identity],
    ...(body === undefined ? {} : 'raw' in body ? { rawBody: body.raw } : { rawBody: JSON.stringify(body.json) }),
  });
}

/** What is wrong with `response` beyond {@link OpenApiConformance}: a valid request refused for its form. */
function refusedForItsForm(request: FuzzRequest, response: ApiResponse): string[] {
  if (!request.valid || response.status !== 400 || !FORM_CODES.has(response.body?.code)) return [];
  const fields = Object.keys(response.body.errors ?? { body: [] });
  return fields.every((field) => CROSS_FIELD.has(field))
    ? []
    : [`a request the document calls valid was refused: ${JSON.stringify(response.body.errors ?? response.body)}`];
}

/**
 * Every operation, in the order they run (tests are collected before the gateway is up, so the
 * list is written out; the first test checks it against the document).
 */
const OPERATIONS = [
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'GET /api/v1/auth/me',
  'PATCH /api/v1/auth/me',
  'POST /api/v1/auth/change-password',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  'POST /api/v1/auth/verify-email',
  'POST /api/v1/auth/verify-email/resend',
  'GET /api/v1/auth/me/addresses',
  'POST /api/v1/auth/me/addresses',
  'PATCH /api/v1/auth/me/addresses/{id}',
  'GET /api/v1/users',
  'GET /api/v1/users/{id}',
  'PATCH /api/v1/users/{id}',
  'POST /api/v1/users/{id}/disable',
  'POST /api/v1/users/{id}/enable',
  'GET /health/live',
  'GET /health/ready',
  'GET /api/v1/products',
  'POST /api/v1/products',
  'GET /api/v1/products/{id}',
  'PATCH /api/v1/products/{id}',
  'PUT /api/v1/products/{id}',
  'POST /api/v1/products/{id}/stock-adjustments',
  'GET /api/v1/products/{id}/stock-adjustments',
  'GET /api/v1/categories',
  'POST /api/v1/categories',
  'PATCH /api/v1/categories/{id}',
  'POST /api/v1/orders',
  'GET /api/v1/orders',
  'GET /api/v1/orders/{id}',
  'POST /api/v1/orders/{id}/cancel',
  'PATCH /api/v1/orders/{id}/status',
  'GET /api/v1/cart',
  'POST /api/v1/cart/items',
  'PUT /api/v1/cart/items/{productId}',
  'DELETE /api/v1/cart/items/{productId}',
  'DELETE /api/v1/cart',
  'POST /api/v1/orders/{id}/payments',
  'GET /api/v1/orders/{id}/payments',
  'GET /api/v1/payments/{id}',
  'POST /api/v1/payments/webhooks/stripe',
  'GET /api/v1/notifications',
  // Deletes last: they take away the rows the others draw on.
  'DELETE /api/v1/auth/me/addresses/{id}',
  'DELETE /api/v1/products/{id}',
  'DELETE /api/v1/categories/{id}',
];

it('covers every operation the document lists', () => {
  const documented = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.keys(byMethod).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(documented.filter((name) => name !== 'GET /metrics').sort()).toEqual([...OPERATIONS].sort());
});

describe.each(OPERATIONS)('%s', (name) => {
  it.each([
    ['valid', true],
    ['one part broken', false],
  ])('answers %s requests as documented, as anyone', async (_, valid) => {
    const [method, path] = name.split(' ');
    const operation = document.paths[path][method.toLowerCase()];
    const identity = fc.constantFrom<Identity>('anonymous', 'customer', 'admin');
    await fc.assert(
      fc.asyncProperty(identity, arbitraries.request(path, operation, valid), async (who, request) => {
        const response = await send(method, request, who);
        if (response.status < 300 && typeof response.body?.id === 'string') knownIds.add(response.body.id);
        const wrong = [...conformance.check(operation, response), ...refusedForItsForm(request, response)];
        if (wrong.length > 0) {
          throw new Error(
            `${name} as ${who} → ${response.status} ${response.text.slice(0, 400)}\n  ${wrong.join('\n  ')}`,
          );
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: process.env.FUZZ_SHRINK === undefined },
    );
  });
});
