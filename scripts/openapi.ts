// npm run openapi: writes openapi.json from the gateway's code, the API client's types from it,
// and lints it with Redocly's recommended rules.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import {
  generateOpenApiJson,
  generateOpenApiTypes,
  lintOpenApi,
  OPENAPI_FILES,
} from '../apps/gateway/src/app/docs/openapi-file';

async function main(): Promise<void> {
  writeFileSync(OPENAPI_FILES.document, await generateOpenApiJson());
  await generateOpenApiTypes(OPENAPI_FILES.document, OPENAPI_FILES.types);
  console.log(`wrote ${OPENAPI_FILES.document} and ${OPENAPI_FILES.types}`);
  const { errors, warnings } = await lintOpenApi(OPENAPI_FILES.document);
  for (const error of errors) console.error(`redocly: ${error}`);
  console.log(`redocly lint: ${errors.length} errors, ${warnings} warnings (npm run openapi:lint shows them)`);
  if (errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
