// How TypeScript is compiled wherever SWC does it (the Jest transform and the esbuild bundles):
// legacy decorators with their design-time metadata, which Nest's dependency injection reads,
// and class names kept, which Nest's tokens and logs use.
module.exports.jsc = {
  parser: { syntax: 'typescript', decorators: true },
  transform: { legacyDecorator: true, decoratorMetadata: true },
  target: 'es2022',
  keepClassNames: true,
};
