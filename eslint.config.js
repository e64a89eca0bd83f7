import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
                '**/cli/**',
                '**/mcp/**',
                '**/ui/**',
                '**/sim/**',
                '**/api/**',
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
        { object: 'process', property: 'exit', message: 'only the CLI entry exits the process' },
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
              group: ['**/cli/**', '**/mcp/**', '**/ui/**', '**/api/**'],
              message: 'runtime must not import interfaces',
            },
          ],
        },
      ],
    },
  },
  {
    // The library API sits under every interface; the MCP server is one of them and uses the API.
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
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
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { sourceType: 'module' },
  },
  {
    // The dashboard's page scripts run in the browser, shipped as they are (no build step).
    files: ['src/ui/web/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
