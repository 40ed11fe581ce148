import fc from 'fast-check';

/** The parts of an OpenAPI 3.0 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
  allOf?: Schema[];
  not?: Schema;
}

export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface MediaType {
  schema?: Schema;
  examples?: Record<string, unknown>;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** One request built from an operation: `valid` when every part follows the document. */
export interface FuzzRequest {
  valid: boolean;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  /** A JSON value to send, or raw text (`{ raw }`) for bodies no JSON value serialises to. */
  body?: { json: unknown } | { raw: string };
}

/** Bodies that are not objects, or not JSON at all, or nest too deep: each must be refused. */
const RAW_BAD_BODIES = ['null', '[]', '"text"', '7', '{', '{"a":1,}', '['.repeat(40) + ']'.repeat(40)];

/** Strings no text column can store. */
const UNSAFE_STRINGS = ['\u0000', 'a\u0000b', '\ud800', 'x\udc00'];

/** Any JSON value of any type: what a confused or hostile client may put in a field. */
const junk = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(1e21, -1, 0, 2 ** 31, 1.5, '', ' ', '0x10', '1e3', 'true'),
    fc.string({ maxLength: 20 }),
    fc.constantFrom(...UNSAFE_STRINGS),
    fc.constant([]),
    fc.constant({}),
    fc.array(fc.integer(), { maxLength: 3 }),
  );

/**
 * fast-check arbitraries for the requests an OpenAPI document describes: valid ones, drawn from
 * each schema's types, formats, patterns and limits, and invalid ones that break exactly one part.
 * `ids` supplies real ids for `format: uuid`, so valid requests reach existing rows too.
 */
export class OpenApiArbitraries {
  constructor(
    private readonly document: OpenApiDocument,
    private readonly ids: () => string[],
  ) {}

  /** A schema with its `$ref` followed and its `allOf` merged. */
  resolve(schema: Schema): Schema {
    if (schema.$ref) {
      const target = this.document.components.schemas[schema.$ref.split('/').pop()!];
      return this.resolve({ ...target, ...(schema.nullable ? { nullable: true } : {}) });
    }
    if (schema.allOf) {
      const parts = schema.allOf.map((part) => this.resolve(part));
      const { allOf: _, ...rest } = schema;
      return parts.reduce<Schema>(
        (merged, part) => ({
          ...merged,
          ...part,
          properties: { ...merged.properties, ...part.properties },
          required: [...(merged.required ?? []), ...(part.required ?? [])],
        }),
        rest,
      );
    }
    return schema;
  }

  valid(input: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    const excluded = schema.not?.enum ?? [];
    const value = this.validNotNull(schema).filter((candidate) => !excluded.includes(candidate));
    return schema.nullable ? fc.oneof(value, fc.constant(null)) : value;
  }

  private validNotNull(schema: Schema): fc.Arbitrary<unknown> {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? -(2 ** 31);
        const max = schema.maximum ?? 2 ** 31 - 1;
        // The bounds themselves, often: an off-by-one in a limit is the likeliest lie.
        return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
      }
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(this.valid(schema.items ?? {}), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 3, 3),
        });
      case 'object':
        return this.validObject(schema);
      case 'string':
        return this.validString(schema);
      default:
        return schema.properties ? this.validObject(schema) : fc.constant({});
    }
  }

  private validObject(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties = schema.properties ?? {};
    return fc.record(
      Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, this.valid(property)])),
      { requiredKeys: (schema.required ?? []).filter((name) => name in properties) },
    );
  }

  private validString(schema: Schema): fc.Arbitrary<string> {
    const minLength = schema.minLength ?? 0;
    const maxLength = schema.maxLength ?? 40;
    const fits = (text: string) => text.length >= minLength && text.length <= maxLength;
    switch (schema.format) {
      case 'uuid':
        return fc.oneof(fc.uuid(), fc.constantFrom(...this.ids()));
      case 'email':
        return fc.uuid().map((id) => `fuzz-${id.slice(0, 8)}@example.com`);
      case 'date-time':
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((date) => date.toISOString());
    }
    if (schema.pattern?.startsWith('^')) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
    const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
    return fc
      .string({ minLength: Math.max(minLength, pattern ? 1 : 0), maxLength })
      .filter((text) => !pattern || pattern.test(text));
  }

  /** A value that breaks `input`: another type, a limit passed, an unsafe string, a field too many or missing. */
  invalid(input: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    const broken: fc.Arbitrary<unknown>[] = [junk()];
    if (schema.type === 'integer' || schema.type === 'number') {
      if (schema.minimum !== undefined) broken.push(fc.constant(schema.minimum - 1));
      if (schema.maximum !== undefined) broken.push(fc.constant(schema.maximum + 1));
      broken.push(fc.constantFrom(0.5, '1', 1e300));
    }
    if (schema.type === 'string') {
      if (schema.maxLength !== undefined) broken.push(fc.constant('x'.repeat(schema.maxLength + 1)));
      if (schema.format === 'uuid')
        broken.push(fc.constantFrom('not-a-uuid', `${'0'.repeat(8)}-0000-0000-0000-00000000000g`));
      broken.push(fc.constantFrom(...UNSAFE_STRINGS));
    }
    if (schema.type === 'object' || schema.properties) {
      const valid = this.validObject(schema);
      const names = Object.keys(schema.properties ?? {});
      broken.push(valid.map((value) => ({ ...value, unexpectedField: 1 })));
      if (names.length > 0) {
        broken.push(
          fc
            .tuple(valid, fc.constantFrom(...names))
            .chain(([value, name]) => this.invalid(schema.properties![name]).map((bad) => ({ ...value, [name]: bad }))),
        );
      }
      if (schema.required?.length) {
        broken.push(
          fc.tuple(valid, fc.constantFrom(...schema.required)).map(([value, name]) => {
            const { [name]: _, ...rest } = value;
            return rest;
          }),
        );
      }
    }
    if (schema.type === 'array' && schema.items) {
      broken.push(fc.array(this.invalid(schema.items), { minLength: 1, maxLength: 2 }));
      if (schema.maxItems !== undefined) {
        broken.push(
          fc.array(this.valid(schema.items), { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 1 }),
        );
      }
    }
    // A nullable schema takes null; any other value broken above still breaks it.
    return fc.oneof(...broken).filter((value) => !(value === null && schema.nullable));
  }

  /** Valid requests for `operation` at `path`, or, with `valid: false`, requests with one part broken. */
  request(path: string, operation: Operation, valid: boolean): fc.Arbitrary<FuzzRequest> {
    const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in !== 'cookie');
    const body = operation.requestBody?.content['application/json']?.schema;
    const parts = parameters.length + (body ? 1 : 0);
    const brokenPart = valid || parts === 0 ? fc.constant(-1) : fc.nat({ max: parts - 1 });
    return brokenPart.chain((broken) =>
      fc
        .record({
          values: fc.tuple(...parameters.map((parameter, i) => this.parameterValue(parameter, i === broken))),
          body: body
            ? broken === parameters.length
              ? fc.oneof(
                  this.invalid(body).map((json) => ({ json })),
                  fc.constantFrom(...RAW_BAD_BODIES).map((raw) => ({ raw })),
                )
              : this.valid(body).map((json) => ({ json }))
            : fc.constant(undefined),
        })
        .map(({ values, body: sent }) => {
          const request: FuzzRequest = { valid: broken < 0, path, query: [], headers: {}, body: sent };
          parameters.forEach((parameter, i) => {
            const value = values[i];
            if (value === undefined) return;
            if (parameter.in === 'path') request.path = request.path.replace(`{${parameter.name}}`, value);
            else if (parameter.in === 'query') request.query.push([parameter.name, value]);
            else request.headers[parameter.name.toLowerCase()] = value;
          });
          return request;
        }),
    );
  }

  /** A parameter's value as it goes on the wire (a string), or undefined to leave it out. */
  private parameterValue(parameter: Parameter, broken: boolean): fc.Arbitrary<string | undefined> {
    const schema = this.resolve(parameter.schema ?? { type: 'string' });
    const onWire = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
    if (broken) {
      const bad = this.invalid(schema).map(onWire);
      if (parameter.in === 'path') {
        // Longer than 100 characters is the router's 414 (see hostile-input.e2e-spec.ts), not the route's.
        return bad
          .map((value) => encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '?')).slice(0, 100))
          .filter((value) => value !== '');
      }
      // Header values must be printable ASCII to be sent at all.
      if (parameter.in === 'header') return bad.map((value) => value.replace(/[^\x20-\x7e]/g, '').trim() || 'x');
      return bad;
    }
    const value = this.valid(schema).map(onWire);
    return parameter.required || parameter.in === 'path' ? value : fc.option(value, { nil: undefined });
  }
}
