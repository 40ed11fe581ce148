const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'catalog',
  rootDir: __dirname,
  // PGlite loads its file system with `import('fs')`, which Jest's CommonJS sandbox cannot run
  // without --experimental-vm-modules; compiled to `require`, the embedded-database spec runs in-process.
  transform: {
    ...preset.transform,
    '/node_modules/@electric-sql/pglite/.+\\.cjs$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
};
