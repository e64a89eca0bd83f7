import type { TaskStatus } from './task-status.js';

function rank(status: TaskStatus): number {
  if (status.question) return 0;
  if (status.state === 'running' || status.state === 'queued') return 1;
  return 2;
}

/**
 * The order every overview shows tasks in: pending questions first, then unfinished tasks, then
 * finished ones; oldest first in each group, then by id so the order is stable.
 */
export function overviewOrder(tasks: readonly TaskStatus[]): TaskStatus[] {
  return [...tasks].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.createdAt ?? '').localeCompare(b.createdAt ?? '') ||
      a.id.localeCompare(b.id),
  );
}
