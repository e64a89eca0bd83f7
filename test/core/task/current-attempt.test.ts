import { describe, expect, it } from 'vitest';
import { currentAttemptEvents, latestWorker } from '../../../src/core/task/current-attempt.js';
import type { TaskEvent } from '../../../src/core/task/task-events.js';

const time = '2026-01-02T10:00:00.000Z';
const spawned = (attempt: number, pid: number): TaskEvent => ({
  type: 'spawned',
  time,
  attempt,
  pid,
  startTime: null,
  model: 'sim',
  backend: 'sim',
  prompt: `prompt-${attempt}.md`,
});
const exited = (attempt: number, code: number): TaskEvent => ({
  type: 'exited',
  time,
  attempt,
  code,
});
const resumed: TaskEvent = { type: 'resumed', time, attempt: 2, reason: 'retry', model: 'sim' };

describe('the current attempt', () => {
  it('starts at the last queued or resumed event', () => {
    const first = [{ type: 'created', time }, spawned(1, 10), exited(1, 1)] satisfies TaskEvent[];
    expect(currentAttemptEvents(first)).toEqual(first);
    const history = [...first, resumed, spawned(2, 20)];
    expect(currentAttemptEvents(history)).toEqual([resumed, spawned(2, 20)]);
  });

  it("pairs the latest worker with its own exit, not an earlier attempt's", () => {
    expect(latestWorker([{ type: 'created', time }])).toBeUndefined();
    const running = [spawned(1, 10), exited(1, 1), resumed, spawned(2, 20)];
    expect(latestWorker(running)).toEqual({ spawned: spawned(2, 20), exited: undefined });
    expect(latestWorker([...running, exited(2, 0)])).toEqual({
      spawned: spawned(2, 20),
      exited: exited(2, 0),
    });
  });
});
