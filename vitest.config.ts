import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores are shared between test files.
    maxWorkers: 2,
    projects: [
      {
        // Pure functions and in-process tests: threads start fast. The test tree mirrors src/:
        // test/core/plan/parse-plan.test.ts tests src/core/plan/parse-plan.ts.
        extends: true,
        test: {
          name: 'unit',
          include: ['test/core/**/*.test.ts', 'test/ui/**/*.test.ts', 'test/sim/**/*.test.ts'],
          pool: 'threads',
        },
      },
      {
        // Runtime and operations called in-process against temporary folders; they start real
        // workers and supervisors too, so each file gets a process of its own.
        extends: true,
        test: {
          name: 'runtime',
          include: ['test/runtime/**/*.test.ts', 'test/operations/**/*.test.ts'],
          pool: 'forks',
        },
      },
      {
        // End-to-end tests start real processes (the CLI, supervisors, workers) and send signals:
        // each test file gets a process of its own.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          pool: 'forks',
        },
      },
    ],
  },
});
