import { PROBLEM_CONTENT_TYPE } from '@shop/problem-details';
import {
  accessToken,
  ADMIN_ENV,
  type ApiResponse,
  newCustomer,
  rawRequest,
  type RawResponse,
  signedToken,
  TEST_ADMIN,
  TestSystem,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';

/**
 * Every case a fuzzer once turned into a 500 or a bare error, replayed against the real apps:
 * each must be a 4xx problem with a stable code and the request id, logged at warn without a stack.
 */
let system: TestSystem;
let admin: string;
let customer: string;
let productId: string;
let categoryId: string;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'hostile',
    env: { auth: ADMIN_ENV, gateway: { AUTH_THROTTLE_LIMIT: '1000', THROTTLE_LIMIT: '100000' } },
  });
  admin = await accessToken(system, TEST_ADMIN);
  customer = (await newCustomer(system)).token;
  const category = await system.http.post('/api/v1/categories', { name: `Cat ${randomUUID()}` }, { token: admin });
  categoryId = category.body.id;
  const product = await system.http.post(
    '/api/v1/products',
    { sku: `H-${randomUUID().slice(0, 8)}`, name: 'Hostile', price: 100, stock: 5 },
    { token: admin },
  );
  productId = product.body.id;
});
afterAll(() => system?.stop());

function expectProblem(response: ApiResponse, status: number, code: string) {
  expect({ status: response.status, body: response.body }).toEqual({
    status,
    body: expect.objectContaining({ status, code, requestId: response.headers.get('x-request-id') }),
  });
  expect(response.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
}

function expectRawProblem(response: RawResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
  const body = JSON.parse(response.body);
  expect(body).toEqual(expect.objectContaining({ status, code, requestId: expect.any(String) }));
  expect(response.headers['x-request-id']).toBe(body.requestId);
  return body as { requestId: string };
}

/** The gateway's log lines about one request: a client's mistake is warned about, never an error with a stack. */
async function expectWarnedWithoutStack(requestId: string, code: string) {
  const lines = await system.requestLog(
    'gateway',
    requestId,
    (entry) => entry.level === 40 && JSON.stringify(entry).includes(code),
  );
  expect(lines.filter((entry) => entry.level >= 50)).toEqual([]);
  expect(JSON.stringify(lines)).not.toMatch(/"stack"|\n\s+at /);
}

const gatewayPort = () => system.address('gateway').port;

describe('JSON nesting depth', () => {
  const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  it.each([
    ['login', '/api/v1/auth/login'],
    ['register', '/api/v1/auth/register'],
  ])('a body nested 5,000 deep on %s is 400 BODY_TOO_DEEP, logged at warn without a stack', async (_, path) => {
    const response = await system.http.request('POST', path, { rawBody: deep(5_000) });
    expectProblem(response, 400, 'BODY_TOO_DEEP');
    await expectWarnedWithoutStack(response.headers.get('x-request-id')!, 'BODY_TOO_DEEP');
  });

  it('ten thousand brackets are 400 BODY_TOO_DEEP', async () => {
    const response = await system.http.request('POST', '/api/v1/auth/login', {
      rawBody: '['.repeat(10_000) + ']'.repeat(10_000),
    });
    expectProblem(response, 400, 'BODY_TOO_DEEP');
  });

  it('is enforced before authentication and validation, on admin routes too', async () => {
    const response = await system.http.request('PATCH', `/api/v1/products/${productId}`, {
      rawBody: '['.repeat(33) + ']'.repeat(33),
      token: admin,
    });
    expectProblem(response, 400, 'BODY_TOO_DEEP');
  });

  it('32 levels are still judged by validation', async () => {
    const response = await system.http.request('POST', '/api/v1/auth/login', { rawBody: deep(31) });
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });
});

describe('strings no text column can store', () => {
  const cases: [string, string, string, () => object, () => string | undefined][] = [
    [
      'login email with a NUL',
      'POST',
      '/api/v1/auth/login',
      () => ({ email: 'a\u0000b', password: 'x' }),
      () => undefined,
    ],
    [
      'register name with a NUL',
      'POST',
      '/api/v1/auth/register',
      () => ({ email: `n${randomUUID()}@example.com`, password: 'password123', name: 'a\u0000' }),
      () => undefined,
    ],
    [
      'register email with a lone surrogate',
      'POST',
      '/api/v1/auth/register',
      () => ({ email: '\ud800x', password: 'password123', name: 'N' }),
      () => undefined,
    ],
    [
      'product name with a NUL',
      'POST',
      '/api/v1/products',
      () => ({ sku: 'NUL-1', name: 'a\u0000', price: 1, stock: 1 }),
      () => admin,
    ],
    [
      'product description with a NUL',
      'PATCH',
      '/api/v1/products/:product',
      () => ({ description: '\u0000', version: 1 }),
      () => admin,
    ],
    [
      'product description with a lone low surrogate',
      'PATCH',
      '/api/v1/products/:product',
      () => ({ description: 'x\udc00', version: 1 }),
      () => admin,
    ],
    ['category name with a NUL', 'POST', '/api/v1/categories', () => ({ name: 'c\u0000' }), () => admin],
    [
      'category name with a NUL, on update',
      'PATCH',
      '/api/v1/categories/:category',
      () => ({ name: 'c\u0000' }),
      () => admin,
    ],
    [
      'stock-adjustment reason with a NUL',
      'POST',
      '/api/v1/products/:product/stock-adjustments',
      () => ({ delta: 1, reason: 'r\u0000' }),
      () => admin,
    ],
    [
      'a field name with a NUL',
      'POST',
      '/api/v1/auth/login',
      () => ({ 'email\u0000': 'a@b.c', password: 'x' }),
      () => undefined,
    ],
  ];

  it.each(cases)('%s is 400 VALIDATION_FAILED naming the field', async (_, method, path, body, token) => {
    const response = await system.http.request(
      method,
      path.replace(':product', productId).replace(':category', categoryId),
      { body: body(), token: token() },
    );
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(Object.keys(response.body.errors).length).toBeGreaterThan(0);
  });

  it('q=%00 is 400 VALIDATION_FAILED', async () => {
    const response = await system.http.get('/api/v1/products?q=%00');
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toHaveProperty('q');
  });

  it('nothing was written', async () => {
    const product = await system.http.get(`/api/v1/products/${productId}`);
    expect(product.body).toEqual(expect.objectContaining({ name: 'Hostile', description: '', stock: 5, version: 1 }));
  });
});

describe('access tokens', () => {
  it('a correctly signed token whose sub is not a UUID is 401, not a query error', async () => {
    const token = sign({ role: 'customer' }, system.jwtSecret, { subject: "1' or '1'='1", expiresIn: 60 });
    expectProblem(await system.http.get('/api/v1/auth/me', { token }), 401, 'UNAUTHORIZED');
    expectProblem(await system.http.get('/api/v1/orders', { token }), 401, 'UNAUTHORIZED');
  });
});

describe('errors raised by Fastify and by Node before any route', () => {
  it('a URL that does not percent-decode is 400 INVALID_URL', async () => {
    const response = await system.http.get('/api/v1/products/%zz');
    expectProblem(response, 400, 'INVALID_URL');
    await expectWarnedWithoutStack(response.headers.get('x-request-id')!, 'INVALID_URL');
  });

  it('a path parameter over 100 characters is 414 URI_TOO_LONG, without echoing the URL', async () => {
    const response = await system.http.get(`/api/v1/products/${'a'.repeat(101)}`);
    expectProblem(response, 414, 'URI_TOO_LONG');
    expect(response.text).not.toContain('a'.repeat(101));
  });

  it('a 20 kB URL is 431 HEADERS_TOO_LARGE', async () => {
    const response = await rawRequest(
      gatewayPort(),
      `GET /api/v1/products?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    const { requestId } = expectRawProblem(response, 431, 'HEADERS_TOO_LARGE');
    await expectWarnedWithoutStack(requestId, 'HEADERS_TOO_LARGE');
  });

  it('a CR in a header value is 400 MALFORMED_REQUEST', async () => {
    const response = await rawRequest(gatewayPort(), 'GET /api/v1/products HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n');
    expectRawProblem(response, 400, 'MALFORMED_REQUEST');
  });

  it('Content-Length beside Transfer-Encoding is 400 MALFORMED_REQUEST', async () => {
    const response = await rawRequest(
      gatewayPort(),
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    );
    expectRawProblem(response, 400, 'MALFORMED_REQUEST');
  });

  it('an HTTP/1.1 request without Host is 400 MALFORMED_REQUEST', async () => {
    const response = await rawRequest(gatewayPort(), 'GET /api/v1/products HTTP/1.1\r\nConnection: close\r\n\r\n');
    const { requestId } = expectRawProblem(response, 400, 'MALFORMED_REQUEST');
    await expectWarnedWithoutStack(requestId, 'MALFORMED_REQUEST');
  });
});

describe('bodies that are not what the route takes', () => {
  it('null on PATCH /categories/:id is 400 and changes nothing', async () => {
    const response = await system.http.request('PATCH', `/api/v1/categories/${categoryId}`, {
      rawBody: 'null',
      token: admin,
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(response.body.errors).toHaveProperty('body');
  });

  it('null on PATCH /products/:id is 400, not 412 or 428', async () => {
    const response = await system.http.request('PATCH', `/api/v1/products/${productId}`, {
      rawBody: 'null',
      token: admin,
      headers: { 'if-match': '"1"' },
    });
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it('null on POST /orders is 400 and does not check out the cart', async () => {
    const buyer = signedToken(system);
    await system.http.post('/api/v1/cart/items', { productId, quantity: 1 }, { token: buyer.token });
    const response = await system.http.request('POST', '/api/v1/orders', { rawBody: 'null', token: buyer.token });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect((await system.http.get('/api/v1/orders', { token: buyer.token })).body.total).toBe(0);
    expect((await system.http.get('/api/v1/cart', { token: buyer.token })).body.items).toHaveLength(1);
  });

  it.each([['[]'], ['"text"'], ['7']])('%s as a body is 400', async (rawBody) => {
    expectProblem(await system.http.request('POST', '/api/v1/auth/login', { rawBody }), 400, 'VALIDATION_FAILED');
  });

  it('a plain body sent as Content-Encoding: gzip is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await system.http.request('POST', '/api/v1/auth/login', {
      rawBody: JSON.stringify({ email: 'a@b.c', password: 'x' }),
      headers: { 'content-encoding': 'gzip' },
    });
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('customers are still served normally', async () => {
    expect((await system.http.get('/api/v1/auth/me', { token: customer })).status).toBe(200);
  });
});

describe('found by the contract fuzzer', () => {
  it('If-Match "0" is 400 naming If-Match, not an internal field of the catalog', async () => {
    const response = await system.http.patch(
      `/api/v1/products/${productId}`,
      { name: 'Zero' },
      { token: admin, headers: { 'if-match': '"0"' } },
    );
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(Object.keys(response.body.errors)).toEqual(['If-Match']);
  });
});
