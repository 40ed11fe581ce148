// `npm run lint` (and so `npm test`): type-aware promise rules and Nx module boundaries by project
// tag. Import cycles are scripts/check-cycles.mjs's, formatting prettier's (both in the same script).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Who may import whom, by project tag (project.json "tags"). */
const productionConstraints = [
  // apps import libraries only, never another app
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:leaf'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:leaf'] },
  // contracts and problem-details are what everyone shares: they import nothing of ours
  { sourceTag: 'type:leaf', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:leaf'] },
  { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:lib', 'type:leaf', 'type:testing'] },
];
/** Tests may also use the test harness (libs/testing); production code never does. */
const testConstraints = productionConstraints.map((constraint) =>
  constraint.sourceTag === 'type:leaf'
    ? constraint
    : {
        ...constraint,
        onlyDependOnLibsWithTags: [...new Set([...constraint.onlyDependOnLibsWithTags, 'type:testing'])],
      },
);
const TEST_FILES = ['**/*.spec.ts', '**/*.e2e-spec.ts', 'apps/*/e2e/**/*.ts'];

const boundaries = (depConstraints) => ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.nx/', '.tools/', 'coverage/', 'bench/results/', '**/*.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, '@nx': nx },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@nx/enforce-module-boundaries': boundaries(productionConstraints),
    },
  },
  { files: TEST_FILES, rules: { '@nx/enforce-module-boundaries': boundaries(testConstraints) } },
);
