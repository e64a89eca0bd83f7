import { describe, expect, it } from 'vitest';
import { TERMINAL_STATES, needsAttention } from '../../../src/core/status/state-groups.js';
import { TASK_STATES } from '../../../src/core/status/task-status.js';

describe('task states', () => {
  it('has the terminal states a finished task can be in', () => {
    expect([...TERMINAL_STATES].sort()).toEqual([
      'cancelled',
      'done',
      'failed',
      'not-started',
      'timed-out',
      'verify-failed',
    ]);
    for (const state of TERMINAL_STATES) expect(TASK_STATES).toContain(state);
  });

  it('needs attention when waiting, blocked or finished, not while queued or running', () => {
    const attention = TASK_STATES.filter(needsAttention);
    expect(attention).toEqual([
      'waiting',
      'blocked',
      'done',
      'verify-failed',
      'failed',
      'timed-out',
      'cancelled',
      'not-started',
    ]);
    expect(needsAttention('queued')).toBe(false);
    expect(needsAttention('running')).toBe(false);
    // Its check still runs: nothing for the user yet.
    expect(needsAttention('verifying')).toBe(false);
  });
});
