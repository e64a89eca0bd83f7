import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests start real processes; two cores are shared between test files.
    pool: 'forks',
    maxWorkers: 2,
  },
});
