import type { TaskStatus } from '../../core/status/task-status.js';

function rank(status: TaskStatus): number {
  if (status.question) return 0;
  if (status.state === 'running' || status.state === 'queued') return 1;
  return 2;
}

/** Pending questions first, then unfinished tasks, then finished ones; oldest first in each group. */
export function orderTasks(tasks: readonly TaskStatus[]): TaskStatus[] {
  return [...tasks].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.createdAt ?? '').localeCompare(b.createdAt ?? '') ||
      a.id.localeCompare(b.id),
  );
}
