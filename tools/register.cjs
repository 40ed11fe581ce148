// Runs the TypeScript sources directly: SWC compiles each file on load (with the decorator
// metadata Nest's DI needs) and the tsconfig path aliases resolve to the library sources.
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
