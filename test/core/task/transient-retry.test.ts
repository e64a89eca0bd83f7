import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../../src/core/task/task-events.js';
import {
  mayRetryTransient,
  transientRetryDelayMs,
  transientRetryText,
} from '../../../src/core/task/transient-retry.js';

const time = '2026-01-01T00:00:00.000Z';
const spawned = (attempt: number): TaskEvent => ({
  type: 'spawned',
  time,
  attempt,
  pid: 10 + attempt,
  startTime: null,
  model: 'sonnet',
  backend: 'claude',
  prompt: 'prompt.md',
});
const resumed = (attempt: number, reason: 'answer' | 'transient-retry'): TaskEvent => ({
  type: 'resumed',
  time,
  attempt,
  reason,
  model: 'sonnet',
});

describe('the backoff of a transient failure', () => {
  it('is a few seconds, the same for the same attempt, and spread across tasks', () => {
    const delays = Array.from({ length: 20 }, (_, i) => transientRetryDelayMs(`task-${i}`, 1));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
    expect(new Set(delays).size).toBeGreaterThan(10);
    expect(transientRetryDelayMs('task-3', 2)).toBe(transientRetryDelayMs('task-3', 2));
  });

  it('says what failed and when the retry starts', () => {
    const now = Date.parse(time);
    expect(transientRetryText('claude daemon busy', '2026-01-01T00:00:05.200Z', now)).toBe(
      'claude daemon busy; retrying in 6 s',
    );
    expect(transientRetryText('claude daemon busy', time, now + 1)).toBe(
      'claude daemon busy; retrying now',
    );
  });
});

describe('a transient failure', () => {
  it('is retried once per continuation', () => {
    expect(mayRetryTransient([spawned(1)])).toBe(true);
    expect(mayRetryTransient([spawned(1), resumed(2, 'transient-retry'), spawned(2)])).toBe(false);
    // An answer starts a new continuation, which may be retried once again.
    const later = [spawned(1), resumed(2, 'transient-retry'), spawned(2), resumed(3, 'answer')];
    expect(mayRetryTransient([...later, spawned(3)])).toBe(true);
  });
});
