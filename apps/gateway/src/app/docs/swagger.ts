import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * Every path parameter of this API is an id, checked by `uuidParam`; the document says so in one
 * place rather than beside each of them.
 */
function describePathIds(document: OpenAPIObject): void {
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as OperationObject[]) {
      for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
        if (parameter.in === 'path') parameter.schema = { type: 'string', format: 'uuid' };
      }
    }
  }
}

/** The OpenAPI 3 document of the gateway's routes: what /docs-json serves and openapi.json holds. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Shop API')
    .setDescription(
      'E-commerce backend. Errors are RFC 9457 `application/problem+json` with a stable `code` and the `requestId`. ' +
        'Send `X-Request-Id` to correlate logs; money is integer minor units. ' +
        'No string may hold a NUL character or an unpaired surrogate (400 `VALIDATION_FAILED`), and a JSON body ' +
        'may nest arrays and objects at most 32 levels deep (400 `BODY_TOO_DEEP`). Requests refused before routing are ' +
        'problems too: a URL that does not percent-decode (400 `INVALID_URL`), a path parameter over 100 characters ' +
        '(414 `URI_TOO_LONG`), request headers over 16 kB (431 `HEADERS_TOO_LARGE`), malformed HTTP such as a ' +
        'missing Host (400 `MALFORMED_REQUEST`), a body with a Content-Encoding (415 `UNSUPPORTED_MEDIA_TYPE`).',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The origin serving this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  describePathIds(document);
  // The global guard lets an operation through without a token only because it is @Public(), and
  // every other one is documented with @ApiBearerAuth(): say "no token needed" explicitly.
  for (const operations of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = operations[method];
      if (operation) operation.security ??= [];
    }
  }
  return document;
}

/** Swagger UI at /docs and the OpenAPI 3 document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
