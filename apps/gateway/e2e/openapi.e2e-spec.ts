import { type ApiResponse, newCustomer, TestSystem } from '@shop/testing';
import { randomUUID } from 'node:crypto';

// The OpenAPI document is the contract clients generate code from: this walks every operation in
// it and checks that what the gateway can answer is written there. Statuses are required from
// what a route has (a body, a path parameter, a token, an app behind it) and from what the running
// gateway actually answers when probed anonymously and as a customer.
let system: TestSystem;
let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
let customer: string;

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}
type Schema = { $ref?: string; type?: string; allOf?: unknown[]; oneOf?: unknown[] };

const PROBLEM = 'application/problem+json';
/** POSTs that take no body; any other POST, PUT or PATCH must document one. */
const BODYLESS_WRITES = [
  'POST /api/v1/orders/{id}/cancel',
  'POST /api/v1/auth/verify-email/resend',
  'POST /api/v1/users/{id}/disable',
  'POST /api/v1/users/{id}/enable',
];

beforeAll(async () => {
  system = await TestSystem.start({ label: 'openapi', env: { gateway: { AUTH_THROTTLE_LIMIT: '1000' } } });
  document = (await system.http.get('/docs-json')).body;
  customer = (await newCustomer(system)).token;
});
afterAll(() => system?.stop());

function operations() {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      path,
      method,
      operation,
      name: `${method.toUpperCase()} ${path}`,
      callsAnApp: path.startsWith('/api/v1/'),
    })),
  );
}

const hasSchema = (schema?: Schema) => Boolean(schema && (schema.$ref || schema.type || schema.allOf || schema.oneOf));

/** Answers the running gateway gives this route without a token and with a customer's (an admin's would pass role checks). */
async function probe(path: string, method: string, operation: Operation): Promise<ApiResponse[]> {
  const url = path.replace(/\{[^}]+\}/g, randomUUID());
  const body = operation.requestBody ? {} : undefined;
  return Promise.all(
    [undefined, customer].map((token) => system.http.request(method.toUpperCase(), url, { body, token })),
  );
}

it('answers every operation with a 2xx that has a schema, or a 204/304', () => {
  const missing = operations()
    .filter(({ operation }) => {
      const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      return !success.some(
        ([status, response]) =>
          status === '204' || Object.values(response.content ?? {}).some((media) => hasSchema(media.schema)),
      );
    })
    .map(({ name }) => name);
  expect(missing).toEqual([]);
});

it('documents the body of every POST, PUT and PATCH that reads one', () => {
  const missing = operations()
    .filter(({ method, name }) => ['post', 'put', 'patch'].includes(method) && !BODYLESS_WRITES.includes(name))
    .filter(({ operation }) => !Object.values(operation.requestBody?.content ?? {}).some((m) => hasSchema(m.schema)))
    .map(({ name }) => name);
  expect(missing).toEqual([]);
});

it('lists each header once (names are case-insensitive), an optional one as optional', () => {
  const problems = operations().flatMap(({ name, operation }) => {
    const headers = (operation.parameters ?? []).filter((p) => p.in === 'header');
    const names = headers.map((h) => h.name.toLowerCase());
    const duplicates = names.filter((n, i) => names.indexOf(n) !== i).map((n) => `${name}: ${n} twice`);
    const idempotency = headers
      .filter((h) => h.name.toLowerCase() === 'idempotency-key' && h.required)
      .map(() => `${name}: Idempotency-Key marked required`);
    return [...duplicates, ...idempotency];
  });
  expect(problems).toEqual([]);
});

it('says which operations need a token: anonymous callers get 401 from exactly those', async () => {
  const wrong: string[] = [];
  for (const { path, method, operation, name } of operations()) {
    const [anonymous] = await probe(path, method, operation);
    const needsToken = operation.security?.length !== 0;
    if (needsToken !== (anonymous.status === 401)) {
      wrong.push(`${name}: security ${JSON.stringify(operation.security)}, anonymous ${anonymous.status}`);
    }
  }
  expect(wrong).toEqual([]);
});

it('documents as problem+json every 4xx a route can answer with, and 5xx where an app is behind it', async () => {
  const problems: string[] = [];
  for (const { path, method, operation, name, callsAnApp } of operations()) {
    if (!callsAnApp) continue;
    const required = new Set<string>(['429', '500', '502', '503', '504']);
    if (operation.requestBody) ['400', '413', '415'].forEach((s) => required.add(s));
    if (operation.parameters?.some((p) => p.in === 'path')) ['400', '404'].forEach((s) => required.add(s));
    if (operation.security?.length) required.add('401');
    for (const response of await probe(path, method, operation)) {
      if (response.status >= 400 && response.status < 500) required.add(String(response.status));
    }
    for (const status of required) {
      const documented = operation.responses[status]?.content?.[PROBLEM]?.schema?.$ref;
      if (!documented?.endsWith('/ProblemDto')) problems.push(`${name}: ${status}`);
    }
  }
  expect(problems).toEqual([]);
});

it("documents the readiness body for 503 too, each app's informational dependencies, and the metrics content type", () => {
  const ready = document.paths['/health/ready'].get.responses;
  expect(hasSchema(ready['503']?.content?.['application/json']?.schema)).toBe(true);
  const dependencies = { type: 'object', additionalProperties: { enum: ['up', 'down'] } };
  expect(ready['200'].content?.['application/json']?.schema).toMatchObject({
    properties: { services: { additionalProperties: { properties: { dependencies } } } },
  });
  const metrics = document.paths['/metrics'].get.responses['200'].content ?? {};
  expect(Object.keys(metrics)).toEqual([expect.stringMatching(/^text\/plain; version=0\.0\.4/)]);
});
