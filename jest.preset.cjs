// Shared Jest settings: SWC compiles TypeScript with decorator metadata (Nest's DI needs it)
// and the tsconfig path aliases map to library sources, so tests run the code as written.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');
const { jsc } = require('./tools/swc-options.cjs');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, path.join(__dirname, target)]),
);

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|e2e-spec).ts'],
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc,
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
    // PGlite loads its file system with `import('fs')`, which Jest's CommonJS sandbox cannot run
    // without --experimental-vm-modules; compiled to `require`, embedded-database tests run in-process.
    '/node_modules/@electric-sql/pglite/.+\\.cjs$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  // Generous on purpose: an e2e file's beforeAll starts several Node processes, which on a busy
  // machine (the suite must pass beside CPU hogs) takes minutes, not seconds. A test that hangs
  // still fails, only later.
  testTimeout: 180_000,
};
