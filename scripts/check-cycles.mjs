// npm run cycles: no import loop between files anywhere, nor between the feature folders of an
// app (apps/<app>/src/app/<folder>). Files directly in src/app (the app module, its config) are
// the composition root that wires the folders together, so they are left out of the folder graph.
import madge from 'madge';

const graph = (
  await madge(['apps', 'libs'], {
    fileExtensions: ['ts'],
    tsConfig: 'tsconfig.json',
    excludeRegExp: [/node_modules/, /\.d\.ts$/],
  })
).obj();

const fileCycles = cyclesOf(graph);

const FEATURE = /^apps\/([^/]+)\/src\/app\/([^/]+)\/.+\.ts$/;
const isTest = (file) => /\.(spec|e2e-spec)\.ts$/.test(file);
const folderOf = (file) => {
  const match = FEATURE.exec(file);
  return match && !isTest(file) ? `apps/${match[1]}/src/app/${match[2]}` : undefined;
};
const folders = {};
for (const [file, imports] of Object.entries(graph)) {
  const from = folderOf(file);
  if (!from) continue;
  folders[from] ??= [];
  for (const imported of imports) {
    const to = folderOf(imported);
    if (to && to !== from && !folders[from].includes(to)) folders[from].push(to);
  }
}
const folderCycles = cyclesOf(folders);

for (const cycle of fileCycles) console.error(`import loop between files: ${cycle.join(' → ')}`);
for (const cycle of folderCycles) console.error(`import loop between folders: ${cycle.join(' → ')}`);
if (fileCycles.length || folderCycles.length) process.exit(1);
console.log(
  `No import loop among ${Object.keys(graph).length} files and ${Object.keys(folders).length} feature folders`,
);

/** Every cycle a depth-first walk meets, each as the path that closes it. */
function cyclesOf(edges) {
  const cycles = [];
  const state = new Map(); // visiting | done
  const path = [];
  const visit = (node) => {
    state.set(node, 'visiting');
    path.push(node);
    for (const next of edges[node] ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of Object.keys(edges)) if (!state.has(node)) visit(node);
  return cycles;
}
