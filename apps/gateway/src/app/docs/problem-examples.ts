import { ErrorCode } from '@shop/contracts';
import { type ErrorPayload, toProblem } from '@shop/problem-details';
import { STATUS_CODES } from 'node:http';

/** What a problem of each code says beyond the common members, where it says more. */
const DETAILS: Record<string, Pick<ErrorPayload, 'detail' | 'errors' | 'extensions'>> = {
  VALIDATION_FAILED: { detail: 'The request is not valid', errors: { name: ['name must not be null'] } },
  VERSION_CONFLICT: { detail: 'The product is at version 4, not 3', extensions: { currentVersion: 4 } },
  VERSION_REQUIRED: { detail: 'Send the version you read, as If-Match: "<version>" or a version field' },
  INSUFFICIENT_STOCK: {
    detail: 'Only 1 in stock; cannot remove 3',
    extensions: { products: [{ productId: '0b6f3c2e-8d1a-4f5e-9a7b-2c4d6e8f0a1b', requested: 3, available: 1 }] },
  },
  STOCK_LIMIT_EXCEEDED: {
    detail: 'Stock may not go above 1000000000; the product has 999999990',
    extensions: { stock: 999_999_990, maxStock: 1_000_000_000 },
  },
};

const EXAMPLE_REQUEST_ID = '7b0c1f9e-4a55-4c8a-9f57-0d3c4e0c8a11';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** The codes a problem description names: `'VERSION_CONFLICT (…), SKU_TAKEN'` → both codes. */
const codesIn = (description: string): string[] =>
  (description.match(/\b[A-Z][A-Z0-9_]+\b/g) ?? []).filter((word) => KNOWN_CODES.has(word));

/** One OpenAPI example per code, built as the client would receive it. */
export function problemExamples(status: number, description: string) {
  return Object.fromEntries(
    codesIn(description).map((code) => {
      const details = DETAILS[code] ?? { detail: STATUS_CODES[status] ?? 'Error' };
      return [code, { summary: code, value: toProblem({ status, code, ...details }, EXAMPLE_REQUEST_ID) }];
    }),
  );
}
