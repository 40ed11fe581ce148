// `nx build <app>` (@nx/esbuild): esbuild bundles an app with the libraries it imports, but it
// cannot emit decorator metadata, so SWC compiles each TypeScript file first, as in the tests.
const { readFile, writeFile } = require('node:fs/promises');
const { builtinModules } = require('node:module');
const { join } = require('node:path');
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

/** The npm package a bare import names (`drizzle-orm/pg-core` → `drizzle-orm`); undefined for Node's own. */
function packageOf(specifier) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

/**
 * Nx writes package.json and its lockfile before bundling, from the project graph, which counts
 * what the libraries' tests import too (argon2 in every app, through the test harness). Once the
 * bundle exists its own imports are known exactly: keep those dependencies (and the optional peers
 * they load when present, e.g. @fastify/static for Swagger UI), and drop from the lockfile every
 * package nothing kept reaches.
 */
async function keepBundledDependencies(outdir, imported) {
  const manifestFile = join(outdir, 'package.json');
  const lockFile = join(outdir, 'package-lock.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  const lock = JSON.parse(await readFile(lockFile, 'utf8'));
  const declared = manifest.dependencies ?? {};
  const missing = [...imported].filter((name) => !(name in declared));
  if (missing.length > 0) throw new Error(`the bundle imports packages package.json lacks: ${missing.join(', ')}`);

  const kept = new Set(imported);
  for (const name of imported) {
    for (const peer of Object.keys(lock.packages[`node_modules/${name}`]?.peerDependencies ?? {})) {
      if (peer in declared) kept.add(peer);
    }
  }
  manifest.dependencies = Object.fromEntries(Object.entries(declared).filter(([name]) => kept.has(name)));

  // Node's resolution over the lockfile's folders: from a package's folder upwards.
  const resolve = (from, name) => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!dir) return undefined;
    }
  };
  const reached = new Set(['']);
  const queue = [...kept].map((name) => resolve('', name));
  while (queue.length > 0) {
    const path = queue.pop();
    if (!path || reached.has(path)) continue;
    reached.add(path);
    const entry = lock.packages[path];
    const needs = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(needs)) queue.push(resolve(path, name));
  }
  lock.packages = Object.fromEntries(Object.entries(lock.packages).filter(([path]) => reached.has(path)));
  lock.packages[''].dependencies = manifest.dependencies;

  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
}

/** @type {import('esbuild').Plugin} */
const ownDependencies = {
  name: 'own-dependencies',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd(async (result) => {
      if (result.errors.length > 0 || !result.metafile) return;
      const imported = new Set(
        Object.values(result.metafile.outputs)
          .flatMap((output) => output.imports)
          .filter((entry) => entry.external)
          .map((entry) => packageOf(entry.path))
          .filter(Boolean),
      );
      await keepBundledDependencies(build.initialOptions.outdir, imported);
    });
  },
};

module.exports = { plugins: [swcDecorators, flatEntries, ownDependencies], keepNames: true };
