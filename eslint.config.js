import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const EXIT_RULE = {
  object: 'process',
  property: 'exit',
  message: 'only the process entry points in src/bin end the process',
};

const INTERFACES = ['**/cli/**', '**/mcp/**', '**/ui/**', '**/api/**', '**/bin/**'];

const THROUGH_OPERATIONS = {
  group: ['**/runtime/**', '**/sim/**', '**/bin/**'],
  message: 'interfaces reach the runtime only through src/operations',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Only the process entry points (src/bin) end the process; everything else returns or throws.
    files: ['src/**/*.ts'],
    ignores: ['src/bin/**'],
    rules: {
      'no-restricted-properties': ['error', EXIT_RULE],
    },
  },
  {
    // The layering of DESIGN.md: core is pure and knows nothing of the outer layers.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/runtime/**',
                '**/operations/**',
                '**/cli/**',
                '**/mcp/**',
                '**/ui/**',
                '**/sim/**',
                '**/api/**',
                '**/bin/**',
              ],
              message: 'core must not import outer layers',
            },
            {
              group: ['node:child_process', 'child_process'],
              message: 'core does not spawn processes',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        EXIT_RULE,
        { object: 'console', property: 'log', message: 'core has no terminal output' },
      ],
    },
  },
  {
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...INTERFACES, '**/operations/**'],
              message: 'runtime must not import operations or interfaces',
            },
          ],
        },
      ],
    },
  },
  {
    // Operations sit on the runtime and under every interface.
    files: ['src/operations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: INTERFACES, message: 'operations must not import interfaces' }] },
      ],
    },
  },
  {
    // Interfaces reach the runtime only through the operations.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [THROUGH_OPERATIONS] }],
    },
  },
  {
    // The library API is a thin class over the operations; the MCP server is built on it.
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            THROUGH_OPERATIONS,
            {
              group: ['**/cli/**', '**/mcp/**', '**/ui/**'],
              message: 'the library API must not import interfaces',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/mcp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            THROUGH_OPERATIONS,
            {
              group: ['**/cli/**', '**/ui/**'],
              message: 'the MCP server must not import other interfaces',
            },
          ],
        },
      ],
    },
  },
  {
    // The live views share text formatting with the CLI from src/ui/shared, never from the CLI.
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            THROUGH_OPERATIONS,
            {
              group: ['**/cli/**', '**/mcp/**', '**/api/**'],
              message: 'the views must not import other interfaces',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { sourceType: 'module' },
  },
  {
    // The dashboard's page scripts run in the browser, shipped as they are (no build step).
    files: ['src/ui/web/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
