import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGateway } from '../gateway.bootstrap';
import { loadGatewayConfig } from '../gateway.config';
import { openApiDocument } from './swagger';

const ROOT = join(__dirname, '../../../../..');

/** The committed OpenAPI document clients generate code from, and the types generated from it. */
export const OPENAPI_FILES = {
  document: join(ROOT, 'openapi.json'),
  types: join(ROOT, 'libs/api-client/src/openapi.schema.ts'),
};

/**
 * The gateway's document as the code declares it today, serialized as openapi.json holds it.
 * The gateway is built but never listens, so nothing needs to run; its clients to the apps are
 * closed again before they could connect.
 */
export async function generateOpenApiJson(): Promise<string> {
  const config = loadGatewayConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(32) });
  const app = await createGateway(config);
  try {
    return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

/**
 * Writes openapi-typescript's types for a document to `output`: what `@shop/api-client` types its
 * calls with. Its CLI, as the library loads ES modules that Jest on Node 20 cannot require.
 */
export async function generateOpenApiTypes(document: string, output: string): Promise<void> {
  const cli = join(ROOT, 'node_modules/.bin/openapi-typescript');
  await promisify(execFile)(cli, [document, '--root-types', '--default-non-nullable', 'false', '--output', output], {
    cwd: ROOT,
  });
}

/** Runs Redocly's CLI lint (redocly.yaml: the recommended rules) over a document. */
export async function lintOpenApi(document: string): Promise<{ errors: string[]; warnings: number }> {
  const lint = await promisify(execFile)(join(ROOT, 'node_modules/.bin/redocly'), ['lint', document, '--format=json'], {
    cwd: ROOT,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((failed: { stdout: string }) => failed);
  const report: { totals: { warnings: number }; problems: { severity: string; ruleId: string; message: string }[] } =
    JSON.parse(lint.stdout);
  return {
    errors: report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`),
    warnings: report.totals.warnings,
  };
}

export const readCommitted = (path: string): string => readFileSync(path, 'utf8');
