import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ApiResponse } from './http-client';
import type { OpenApiDocument, Operation, Schema } from './openapi-arbitraries';

const PROBLEM = 'application/problem+json';

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: null, or whatever the rest says. Ajv's own
 * `nullable` only widens `type`, so it refuses null for a nullable `allOf: [{ $ref }]`.
 */
function asJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asJsonSchema);
  if (typeof value !== 'object' || value === null) return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, child]) => [key, asJsonSchema(child)]));
  return nullable === true ? { anyOf: [{ type: 'null' }, converted] } : converted;
}

/**
 * Checks answers against what an OpenAPI document promises for their operation: a documented
 * status, problem+json with a documented code and the request id for every error, and a body that
 * matches the documented schema for every success. Returns what is wrong, empty when nothing is.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<Schema, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: asJsonSchema(document.components) });
  }

  /** The codes an operation documents for `status`: the names of its problem examples. */
  static documentedCodes(operation: Operation, status: number): string[] {
    return Object.keys(operation.responses[String(status)]?.content?.[PROBLEM]?.examples ?? {});
  }

  check(operation: Operation, response: ApiResponse): string[] {
    const wrong: string[] = [];
    const documented = operation.responses[String(response.status)];
    if (response.status >= 500) wrong.push(`a ${response.status}: ${response.text.slice(0, 300)}`);
    if (!documented) wrong.push(`status ${response.status} is not documented`);
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status >= 400) {
      if (!contentType.startsWith(PROBLEM)) wrong.push(`error as ${contentType || 'no content type'}, not ${PROBLEM}`);
      const problem = response.body as { code?: unknown; requestId?: unknown; status?: unknown };
      if (problem?.status !== response.status) wrong.push(`problem status ${problem?.status}`);
      if (!problem?.requestId || problem.requestId !== response.headers.get('x-request-id')) {
        wrong.push(`requestId ${problem?.requestId} is not the X-Request-Id ${response.headers.get('x-request-id')}`);
      }
      const codes = OpenApiConformance.documentedCodes(operation, response.status);
      if (documented && !codes.includes(String(problem?.code))) {
        wrong.push(`code ${problem?.code} is not documented for ${response.status} (${codes.join(', ')})`);
      }
    } else if (documented && response.status !== 204 && response.status !== 304) {
      const media = documented.content?.['application/json'];
      if (media?.schema) {
        if (!contentType.startsWith('application/json')) wrong.push(`success as ${contentType}, not JSON`);
        const validate = this.validator(media.schema);
        if (!validate(response.body)) {
          wrong.push(`body does not match its schema: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
        }
      }
    }
    return wrong;
  }

  private validator(schema: Schema): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      // The document's references point into the document, registered above as `openapi`.
      const rooted = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
      validate = this.ajv.compile(asJsonSchema(rooted) as object);
      this.validators.set(schema, validate);
    }
    return validate;
  }
}
