import { PROBLEM_CONTENT_TYPE } from '@shop/problem-details';
import {
  accessToken,
  ADMIN_ENV,
  type ApiResponse,
  type LogEntry,
  newCustomer,
  TEST_ADMIN,
  TEST_DATABASE_URL,
  TestSystem,
  waitFor,
  TEST_ADDRESS,
} from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    label: 'gateway',
    env: { auth: ADMIN_ENV, gateway: { AUTH_THROTTLE_LIMIT: '1000', RPC_TIMEOUT_MS: '1500' } },
  });
});
afterAll(() => system?.stop());

const validUser = () => ({
  email: `u${Math.random().toString(36).slice(2)}@example.com`,
  password: 'password123',
  name: 'U',
});

function expectProblem(response: ApiResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
  expect(response.body).toEqual(
    expect.objectContaining({
      type: expect.stringMatching(/^urn:shop:problem:/),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
      requestId: response.headers.get('x-request-id'),
    }),
  );
}

describe('errors are problem+json', () => {
  it('malformed JSON is 400 MALFORMED_JSON', async () => {
    expectProblem(
      await system.http.request('POST', '/api/v1/auth/login', { rawBody: '{"email":' }),
      400,
      'MALFORMED_JSON',
    );
  });

  it('an empty JSON body is 400 MALFORMED_JSON', async () => {
    expectProblem(await system.http.request('POST', '/api/v1/auth/login', { rawBody: '' }), 400, 'MALFORMED_JSON');
  });

  it('an oversized body is 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await system.http.post('/api/v1/auth/register', { ...validUser(), name: 'x'.repeat(200_000) });
    expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a body that is not JSON is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await system.http.request('POST', '/api/v1/auth/login', {
      rawBody: 'email=a',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown route is 404 ROUTE_NOT_FOUND', async () => {
    expectProblem(await system.http.get('/api/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
  });

  it('invalid fields are 400 VALIDATION_FAILED with messages per field', async () => {
    const response = await system.http.post('/api/v1/auth/register', { email: 'not-an-email', password: 'short' });
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(Object.keys(response.body.errors).sort()).toEqual(['email', 'name', 'password']);
  });

  it('unknown fields are rejected, not ignored, by every body of every route and the objects nested in them', async () => {
    // The routes come from the OpenAPI document, so a route added later is covered without a word here.
    const { body: document } = await system.http.get('/docs-json');
    const schemaOf = (ref: string) => document.components.schemas[ref.split('/').pop()!];
    const cases: { route: string; method: string; path: string; body: object; field: string }[] = [];
    for (const [template, operations] of Object.entries<Record<string, any>>(document.paths)) {
      // A well-formed id everywhere, so what is tested is the body, not the path.
      const path = template.replace(/\{[^}]+\}/g, randomUUID());
      for (const [method, operation] of Object.entries<any>(operations)) {
        const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
        if (!ref) continue;
        const route = `${method.toUpperCase()} ${template}`;
        cases.push({ route, method, path, body: { unexpectedField: 1 }, field: 'unexpectedField' });
        for (const [name, property] of Object.entries<any>(schemaOf(ref).properties ?? {})) {
          if (property.items?.$ref) {
            const body = { [name]: [{ unexpectedField: 1 }] };
            cases.push({ route, method, path, body, field: `${name}.0.unexpectedField` });
          } else if (property.$ref) {
            cases.push({
              route,
              method,
              path,
              body: { [name]: { unexpectedField: 1 } },
              field: `${name}.unexpectedField`,
            });
          }
        }
      }
    }
    // What the audit named, so an empty or partial walk cannot pass.
    expect(cases.map((c) => `${c.route} ${c.field}`)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/refresh unexpectedField',
        'POST /api/v1/auth/logout unexpectedField',
        'POST /api/v1/categories unexpectedField',
        'POST /api/v1/products/{id}/stock-adjustments unexpectedField',
        'POST /api/v1/cart/items unexpectedField',
        'PATCH /api/v1/orders/{id}/status unexpectedField',
        'POST /api/v1/orders/{id}/payments unexpectedField',
        'POST /api/v1/orders items.0.unexpectedField',
      ]),
    );

    // An admin passes every role check, so each request reaches validation.
    const token = await accessToken(system, TEST_ADMIN);
    const outcomes = [];
    for (const { route, method, path, body, field } of cases) {
      const response = await system.http.request(method.toUpperCase(), path, { body, token });
      const named = Object.keys(response.body?.errors ?? {}).includes(field);
      outcomes.push({ route, field, status: response.status, code: response.body?.code, named });
    }
    expect(outcomes.filter((o) => o.status !== 400 || o.code !== 'VALIDATION_FAILED' || !o.named)).toEqual([]);
  });

  it('a protected route without a token is 401 UNAUTHORIZED', async () => {
    expectProblem(await system.http.get('/api/v1/auth/me'), 401, 'UNAUTHORIZED');
  });
});

describe('request id', () => {
  it('echoes the client id and carries it into the logs of the gateway and of the app', async () => {
    const requestId = `trace-${randomUUID()}`;
    const response = await system.http.post('/api/v1/auth/register', validUser(), {
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe(requestId);

    // Pino writes asynchronously: each app's line may land after the client has its answer, so each
    // is awaited by what it says; other lines about the same request may come before or after it.
    const completed = (entry: LogEntry) => entry.msg === 'request completed';
    expect(await system.requestLog('gateway', requestId, completed)).toContainEqual(
      expect.objectContaining({ service: 'gateway', res: { statusCode: 201 } }),
    );
    const registered = (entry: LogEntry) => entry.msg.includes('auth.register ok');
    expect(await system.requestLog('auth', requestId, registered)).toContainEqual(
      expect.objectContaining({ service: 'auth', msg: expect.stringContaining('auth.register ok') }),
    );
  });

  describe('through the apps an app calls', () => {
    let customer: string;
    let productId: string;
    beforeAll(async () => {
      const admin = await accessToken(system, TEST_ADMIN);
      const product = { sku: `RID-${randomUUID().slice(0, 8)}`, name: 'Traced thing', price: 500, stock: 3 };
      productId = (await system.http.post('/api/v1/products', product, { token: admin })).body.id;
      customer = (await newCustomer(system)).token;
    });

    const APPS = ['gateway', 'orders', 'catalog'];
    it.each([
      ['adding to the cart (orders asks the catalog)', 200, '/api/v1/cart/items', () => ({ productId, quantity: 1 })],
      [
        'an order the catalog refuses for stock (409 through orders)',
        409,
        '/api/v1/orders',
        () => ({ items: [{ productId, quantity: 1000 }], shippingAddress: TEST_ADDRESS }),
      ],
    ])('is on the lines that gateway, orders and catalog write for %s', async (_, status, path, body) => {
      const requestId = `hop-${randomUUID()}`;
      const response = await system.http.post(path, body(), {
        token: customer,
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(status);

      // Each app's lines are found by this request's id, never by when they were written: a late
      // line from an earlier request carries that request's id and is no concern of this test.
      const done = (app: string) => (entry: LogEntry) => app !== 'gateway' || entry.msg === 'request completed';
      const lines = Object.fromEntries(
        await Promise.all(APPS.map(async (app) => [app, await system.requestLog(app, requestId, done(app))] as const)),
      );
      expect(lines.gateway).toContainEqual(
        expect.objectContaining({ msg: 'request completed', res: { statusCode: status } }),
      );
      expect(lines.orders).toContainEqual(expect.objectContaining({ service: 'orders' }));
      expect(lines.catalog).toContainEqual(expect.objectContaining({ service: 'catalog' }));
    });
  });

  it('mints an id when the client sends none, or an unusable one', async () => {
    const plain = await system.http.get('/health/live');
    const unusable = await system.http.get('/health/live', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(unusable.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs JSON lines', () => {
    for (const line of system.logs('gateway').split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('documentation', () => {
  it('serves Swagger UI at /docs', async () => {
    const response = await system.http.get('/docs');
    expect(response.status).toBe(200);
    expect(response.text).toContain('swagger-ui');
  });

  it('serves an OpenAPI 3 document covering routes, bodies and problem responses', async () => {
    const { status, body } = await system.http.get('/docs-json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    for (const path of ['register', 'login', 'refresh', 'logout', 'me'])
      expect(body.paths).toHaveProperty(`/api/v1/auth/${path}`);
    const register = body.paths['/api/v1/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema.$ref).toContain('RegisterDto');
    expect(register.responses['409'].content['application/problem+json']).toBeDefined();
    expect(body.components.schemas.ProblemDto.required).toEqual(expect.arrayContaining(['code', 'requestId']));
  });

  it('documents every catalog operation with its problems, an example of each code, and their extension members', async () => {
    const { body } = await system.http.get('/docs-json');
    const admin = { 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'] };
    const versioned = {
      ...admin,
      400: ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      404: ['NOT_FOUND'],
      409: ['VERSION_CONFLICT', 'SKU_TAKEN'],
      412: ['VERSION_CONFLICT'],
      428: ['VERSION_REQUIRED'],
    };
    const operations: [string, string, Record<number, string[]>][] = [
      ['/api/v1/products', 'get', { 400: ['VALIDATION_FAILED'] }],
      ['/api/v1/products', 'post', { ...admin, 400: ['VALIDATION_FAILED', 'MALFORMED_JSON'], 409: ['SKU_TAKEN'] }],
      ['/api/v1/products/{id}', 'get', { 400: ['VALIDATION_FAILED'], 404: ['NOT_FOUND'] }],
      ['/api/v1/products/{id}', 'patch', versioned],
      ['/api/v1/products/{id}', 'put', versioned],
      ['/api/v1/products/{id}', 'delete', { ...admin, 404: ['NOT_FOUND'] }],
      [
        '/api/v1/products/{id}/stock-adjustments',
        'post',
        { ...admin, 404: ['NOT_FOUND'], 409: ['INSUFFICIENT_STOCK', 'STOCK_LIMIT_EXCEEDED'] },
      ],
      ['/api/v1/products/{id}/stock-adjustments', 'get', { ...admin, 400: ['VALIDATION_FAILED'], 404: ['NOT_FOUND'] }],
      ['/api/v1/categories', 'get', { 503: ['SERVICE_UNAVAILABLE'] }],
      ['/api/v1/categories', 'post', { ...admin, 409: ['SLUG_TAKEN'] }],
      ['/api/v1/categories/{id}', 'patch', { ...admin, 404: ['NOT_FOUND'], 409: ['SLUG_TAKEN', 'CATEGORY_CYCLE'] }],
      ['/api/v1/categories/{id}', 'delete', { ...admin, 404: ['NOT_FOUND'], 409: ['CATEGORY_IN_USE'] }],
    ];
    for (const [path, method, problems] of operations) {
      const operation = body.paths[path]?.[method];
      expect({ path, method, documented: Boolean(operation?.summary) }).toEqual({ path, method, documented: true });
      for (const [status, codes] of Object.entries(problems)) {
        const content = operation.responses[status]?.content?.['application/problem+json'];
        expect(content?.schema.$ref).toBe('#/components/schemas/ProblemDto');
        for (const code of codes) {
          expect({ path, method, status, code, example: content.examples[code]?.value }).toEqual({
            path,
            method,
            status,
            code,
            example: expect.objectContaining({ code, status: Number(status), type: expect.any(String) }),
          });
        }
      }
    }

    const patch = body.paths['/api/v1/products/{id}'].patch;
    expect(patch.responses['409'].content['application/problem+json'].examples.VERSION_CONFLICT.value).toHaveProperty(
      'currentVersion',
    );
    const adjust = body.paths['/api/v1/products/{id}/stock-adjustments'].post;
    expect(
      adjust.responses['409'].content['application/problem+json'].examples.INSUFFICIENT_STOCK.value.products,
    ).toEqual([expect.objectContaining({ productId: expect.any(String), requested: 3, available: 1 })]);
    const history = body.paths['/api/v1/products/{id}/stock-adjustments'].get.responses['200'];
    expect(history.content['application/json'].schema.$ref).toBe('#/components/schemas/StockAdjustmentPageDto');
    expect(body.components.schemas.ProductPageDto.properties.items.items.$ref).toBe('#/components/schemas/ProductDto');
    const inStock = body.paths['/api/v1/products'].get.parameters.find((p: { name: string }) => p.name === 'inStock');
    expect(inStock.schema.enum).toEqual(['true']);

    const problem = body.components.schemas.ProblemDto;
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(['currentVersion', 'products', 'stock', 'maxStock']),
    );
    expect(problem.required).not.toContain('currentVersion');
    expect(problem.required).not.toContain('products');
  });
});

describe('downstream failures', () => {
  it('reports readiness per service while liveness stays up', async () => {
    expect((await system.http.get('/health/ready')).status).toBe(200);
    await system.stopApp('catalog');
    try {
      const ready = await system.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.services.catalog.status).toBe('down');
      expect(ready.body.services.auth.status).toBe('up');
      expect((await system.http.get('/health/live')).status).toBe(200);
    } finally {
      await system.startApp('catalog');
    }
    await system.waitUntilReady();
  });

  it("turns not ready while an app's database refuses connections, liveness staying up, and recovers", async () => {
    const database = new URL(system.databaseUrl('auth')).pathname.slice(1);
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const allowConnections = (allow: boolean) =>
      admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS ${allow}`);
    try {
      await allowConnections(false);
      // Also cut the connections auth's pool already holds, as a database restart would.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
      let ready: ApiResponse | undefined;
      await waitFor('readiness to notice', async () => (ready = await system.http.get('/health/ready')).status !== 200);
      expect(ready!.status).toBe(503);
      expect(ready!.body.services).toEqual({
        auth: { status: 'down', database: 'down' },
        catalog: { status: 'up', database: 'up' },
        orders: { status: 'up', database: 'up' },
      });
      expect((await system.http.get('/health/live')).status).toBe(200);
    } finally {
      await allowConnections(true);
      await admin.end();
    }
    // The same auth process, never restarted, is ready again and serves.
    await system.waitUntilReady();
    expect((await system.http.post('/api/v1/auth/register', validUser())).status).toBe(201);
  });

  it('answers 503 while an app is down, and recovers once it is back', async () => {
    const user = validUser();
    await system.stopApp('auth');
    // Refused at once, so 503, not the 504 of waiting out RPC_TIMEOUT_MS.
    expectProblem(await system.http.post('/api/v1/auth/register', user), 503, 'SERVICE_UNAVAILABLE');

    await system.startApp('auth');
    expect((await system.http.post('/api/v1/auth/register', user)).status).toBe(201);
  });

  it('answers 504 when an app does not answer in time', async () => {
    await system.http.get('/health/ready'); // an open connection to every app
    system.pauseApp('auth');
    try {
      expectProblem(await system.http.post('/api/v1/auth/register', validUser()), 504, 'UPSTREAM_TIMEOUT');
    } finally {
      system.resumeApp('auth');
    }
    expect((await system.http.post('/api/v1/auth/register', validUser())).status).toBe(201);
  });

  it("keeps an app's own error status", async () => {
    const user = validUser();
    await system.http.post('/api/v1/auth/register', user);
    expectProblem(await system.http.post('/api/v1/auth/register', user), 409, 'EMAIL_TAKEN');
  });
});
