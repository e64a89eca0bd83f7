import type { PlanItem } from '../../src/core/plan/plan-types.js';
import type { TaskStatus } from '../../src/core/status/task-status.js';

export function planItem(
  index: number,
  text: string,
  marker: PlanItem['marker'] = 'pending',
): PlanItem {
  return {
    index,
    line: index + 2,
    indent: 0,
    depth: 0,
    marker,
    text,
    detail: undefined,
    detailLineCount: 0,
  };
}

/** A running task 1/3 through, started 65 s before NOW; override what a test is about. */
export const NOW = Date.parse('2026-01-02T10:00:00Z');

export function taskStatus(overrides: Partial<TaskStatus> = {}): TaskStatus {
  return {
    id: 'review-auth',
    title: 'Review auth',
    state: 'running',
    model: 'opus',
    progress: {
      done: 1,
      total: 3,
      blocked: [],
      errors: [],
      current: planItem(1, 'Check session handling'),
    },
    question: undefined,
    attempt: 1,
    pid: 4242,
    exit: undefined,
    reason: undefined,
    createdAt: '2026-01-02T09:58:00.000Z',
    startedAt: '2026-01-02T09:58:55.000Z',
    endedAt: undefined,
    legacy: false,
    ...overrides,
  };
}
