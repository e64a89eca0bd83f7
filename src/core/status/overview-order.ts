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
      compareText(a.createdAt ?? '', b.createdAt ?? '') ||
      compareText(a.id, b.id),
  );
}

/**
 * ISO times and task ids are ASCII, so code-unit order is their order; it is also many times
 * faster than localeCompare over thousands of tasks.
 */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
