// Lint: typescript-eslint's recommended rules plus the type-aware ones that catch lost promises, and the
// workflow sandbox's own rule (no Node builtins). Prettier owns formatting (eslint-config-prettier).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'dist/', 'coverage/', 'eslint.config.mjs', 'portal/dist/', 'portal/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely typed JSON answers on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node builtins, no I/O.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process'],
              message: 'Workflow and domain code must stay deterministic: no Node builtins.',
            },
          ],
        },
      ],
    },
  },
  {
    // Layering: the API never reaches into activities (what both need lives in services/ or db/), and the
    // worker is built from the program's code, never from the dev scripts.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/activities', '**/activities/*'], message: 'Shared business transactions live in services/ or db/.' }] },
      ],
    },
  },
  {
    files: ['worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/scripts/*'], message: 'scripts/ may use worker/, not the other way round.' }] },
      ],
    },
  },
  {
    // Small files of one purpose, short functions (issue 11). Benchmarks and released migrations excepted.
    files: [
      'domain/**',
      'emails/**',
      'db/**',
      'services/**',
      'workflows/**',
      'activities/**',
      'worker/**',
      'api/**',
      'config/**',
      'scripts/**',
      'portal/src/**',
    ],
    ignores: ['db/migrations/**', 'portal/src/api/schema.d.ts'],
    rules: { 'max-lines': ['error', { max: 250 }], 'max-lines-per-function': ['error', { max: 60 }] },
  },
  prettier,
);
