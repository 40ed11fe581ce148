import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOpenApiJson, generateOpenApiTypes, lintOpenApi, OPENAPI_FILES, readCommitted } from './openapi-file';

// openapi.json is what clients generate code from, and @shop/api-client is typed from it: both
// must say what the code says. `npm run openapi` rewrites them when this fails.
let generated: string;
let scratch: string;

beforeAll(async () => {
  generated = await generateOpenApiJson();
  scratch = mkdtempSync(join(tmpdir(), 'shop-openapi-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('commits openapi.json as the gateway generates it (else: npm run openapi)', () => {
  expect(readCommitted(OPENAPI_FILES.document)).toBe(generated);
});

it("commits the API client's types as openapi-typescript generates them from it (else: npm run openapi)", async () => {
  const document = join(scratch, 'openapi.json');
  writeFileSync(document, generated);
  await generateOpenApiTypes(document, join(scratch, 'types.ts'));
  expect(readCommitted(OPENAPI_FILES.types)).toBe(readFileSync(join(scratch, 'types.ts'), 'utf8'));
});

it('names every operation once, in camelCase', () => {
  const paths: Record<string, Record<string, { operationId?: string }>> = JSON.parse(generated).paths;
  const ids = Object.entries(paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => operation.operationId ?? `${method} ${path}: none`),
  );
  expect(ids.filter((id) => !/^[a-z][a-zA-Z]+$/.test(id))).toEqual([]);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
});

it("passes Redocly's recommended rules without an error", async () => {
  const document = join(scratch, 'lint.json');
  writeFileSync(document, generated);
  expect((await lintOpenApi(document)).errors).toEqual([]);
});
