// `nx build <app>` (@nx/esbuild): esbuild bundles an app with the libraries it imports, but it
// cannot emit decorator metadata, so SWC compiles each TypeScript file first, as in the tests.
const { readFile } = require('node:fs/promises');
const { transform } = require('@swc/core');
const { jsc } = require('./swc-options.cjs');

/** @type {import('esbuild').Plugin} */
const swcDecorators = {
  name: 'swc-decorators',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const { code } = await transform(await readFile(path, 'utf8'), {
        filename: path,
        jsc,
        module: { type: 'es6' },
        sourceMaps: 'inline',
      });
      return { contents: code, loader: 'js' };
    });
  },
};

/**
 * dist/apps/<app>/main.cjs and migrate.cjs side by side, whatever folder each entry is in.
 * @nx/esbuild sets entryNames itself, after this file's options; a plugin has the last word.
 * @type {import('esbuild').Plugin}
 */
const flatEntries = {
  name: 'flat-entries',
  setup(build) {
    build.initialOptions.entryNames = '[name]';
  },
};

module.exports = { plugins: [swcDecorators, flatEntries], keepNames: true };
