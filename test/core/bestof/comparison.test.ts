import { describe, expect, it } from 'vitest';
import {
  changesText,
  comparisonRow,
  costText,
  tokensText,
  verifyText,
} from '../../../src/core/bestof/comparison.js';
import { NOW, taskStatus } from '../../helpers/task-status-fixture.js';

const passed = taskStatus({
  id: 'fix.1',
  state: 'done',
  model: 'sonnet',
  outcome: 'done-verified',
  bestOf: { group: 'fix', index: 1, of: 2 },
  startedAt: '2026-01-02T09:58:00.000Z',
  endedAt: '2026-01-02T09:59:30.000Z',
  verify: {
    command: 'npm test',
    step: 'passed',
    round: 1,
    rounds: 1,
    iterating: false,
    running: undefined,
    result: {
      attempt: 1,
      passed: true,
      code: 0,
      timedOut: false,
      durationMs: 900,
      lastLine: '12 passing',
      error: undefined,
      time: '2026-01-02T09:59:30.000Z',
    },
    history: [],
  },
});

describe('comparisonRow', () => {
  it('puts a run’s verify result, changes, time and usage side by side', () => {
    const row = comparisonRow(
      passed,
      { inputTokens: 12_400, outputTokens: 380, costUsd: 0.0153, attempts: 1 },
      { added: 12, removed: 3, files: ['src/a.ts', 'test/a.test.ts'] },
      NOW,
    );
    expect(row).toEqual({
      id: 'fix.1',
      index: 1,
      model: 'sonnet',
      state: 'done',
      outcome: 'done-verified',
      verify: { passed: true, code: 0, lastLine: '12 passing' },
      changes: { added: 12, removed: 3, files: ['src/a.ts', 'test/a.test.ts'] },
      elapsedMs: 90_000,
      tokens: { input: 12_400, output: 380 },
      costUsd: 0.0153,
    });
    expect(verifyText(row)).toBe('passed');
    expect(changesText(row.changes)).toBe('+12 -3');
    expect(tokensText(row.tokens)).toBe('12.4k in / 380 out');
    expect(costText(row.costUsd)).toBe('$0.0153');
  });

  it('says unknown, never $0, for usage the CLI did not report and changes that are gone', () => {
    const row = comparisonRow(
      taskStatus({ state: 'verify-failed', outcome: 'verify-failed' }),
      undefined,
      undefined,
      NOW,
    );
    expect(row).toMatchObject({ tokens: null, costUsd: null, changes: null, verify: null });
    expect(costText(row.costUsd)).toBe('unknown');
    expect(tokensText(row.tokens)).toBe('unknown');
    expect(changesText(row.changes)).toBe('unknown');
    expect(verifyText(row)).toBe('failed');
  });

  it('keeps tokens without a price as tokens, with the cost unknown', () => {
    const row = comparisonRow(passed, { inputTokens: 5, outputTokens: 7, attempts: 1 }, undefined);
    expect(row.tokens).toEqual({ input: 5, output: 7 });
    expect(costText(row.costUsd)).toBe('unknown');
    expect(costText(0)).toBe('$0.0000');
  });

  it('names the exit code of a failed check, and the state of a run still going', () => {
    const failed = comparisonRow(
      taskStatus({
        state: 'verify-failed',
        outcome: 'verify-failed',
        verify: {
          ...passed.verify!,
          step: 'failed',
          result: { ...passed.verify!.result!, passed: false, code: 1, lastLine: '1 failing' },
        },
      }),
      undefined,
      undefined,
    );
    expect(verifyText(failed)).toBe('failed (exit 1)');
    expect(verifyText(comparisonRow(taskStatus(), undefined, undefined))).toBe('running');
    expect(
      verifyText(
        comparisonRow(
          taskStatus({ state: 'done', outcome: 'done-unverified' }),
          undefined,
          undefined,
        ),
      ),
    ).toBe('no command');
  });
});
