// .env.example lists every variable with its default; the README's Configuration table documents
// them. Neither may name a variable the other lacks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

function readmeVariables(): Set<string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| Variable | App | Default | Meaning |'));
  const rows = table.split('\n').filter((line) => line.startsWith('| `'));
  return new Set(
    rows.flatMap((row) => [...row.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(([, name]) => name)),
  );
}

function envExampleVariables(): Set<string> {
  const lines = readFileSync(join(root, '.env.example'), 'utf8').split('\n');
  return new Set(lines.flatMap((line) => /^#? ?([A-Z][A-Z0-9_]+)=/.exec(line)?.[1] ?? []));
}

it('lists in .env.example exactly the variables the README documents', () => {
  const readme = readmeVariables();
  const example = envExampleVariables();
  expect(readme.size).toBeGreaterThan(40);
  expect([...readme].filter((name) => !example.has(name))).toEqual([]);
  expect([...example].filter((name) => !readme.has(name))).toEqual([]);
});
