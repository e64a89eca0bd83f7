import type { TaskStatus } from '../core/status/task-status.js';

/** Pending questions first, then unfinished tasks, then finished ones; oldest first in each group. */
export function overviewOrder(statuses: TaskStatus[]): TaskStatus[] {
  const rank = (s: TaskStatus) =>
    s.question ? 0 : s.state === 'running' || s.state === 'queued' ? 1 : 2;
  return [...statuses].sort(
    (a, b) => rank(a) - rank(b) || (a.createdAt ?? '').localeCompare(b.createdAt ?? ''),
  );
}
