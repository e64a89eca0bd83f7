// @ts-check
// Formatting shared by both pages, matching the terminal's wording.
/** @import { Task } from '../page-types.js' */

// The groups of core/status/state-groups.ts (a unit test keeps them equal).
/** @type {ReadonlySet<string>} */
export const TERMINAL = new Set(['done', 'failed', 'timed-out', 'cancelled', 'not-started']);
/** @type {ReadonlySet<string>} */
export const LIVE = new Set(['running', 'waiting']);
/** @type {ReadonlySet<string>} */
export const RETRYABLE = new Set(['failed', 'timed-out', 'cancelled', 'not-started', 'blocked']);

/** @param {number} seq */
export function seqLabel(seq) {
  return String(seq).padStart(3, '0');
}

/** @param {Task} task */
export function stateLabel(task) {
  const node = task.node ? ` on ${task.node}` : '';
  if (task.state === 'waiting' && task.question && task.question.seq !== null)
    return `waiting ${seqLabel(task.question.seq)}${node}`;
  return `${task.state}${node}`;
}

/**
 * 4s, 3m12s, 2h05m, as in the terminal.
 * @param {number} ms
 */
export function formatElapsed(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/**
 * @param {string | null} startedAt
 * @param {string | null} endedAt
 */
export function elapsedText(startedAt, endedAt, now = Date.now()) {
  if (!startedAt) return '–';
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  return formatElapsed(Math.max(0, end - start));
}

/**
 * Pending questions first, then unfinished tasks, then finished ones; oldest first in each, then
 * by id: the order of core/status/overview-order.ts, which the CLI and the API use.
 * @param {Task[]} tasks
 */
export function orderTasks(tasks) {
  /** @param {Task} t */
  const rank = (t) => (t.question ? 0 : t.state === 'running' || t.state === 'queued' ? 1 : 2);
  /** @param {string} a @param {string} b */
  const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return [...tasks].sort(
    (a, b) =>
      rank(a) - rank(b) || compare(a.createdAt ?? '', b.createdAt ?? '') || compare(a.id, b.id),
  );
}

/**
 * What the worker is on, or why it stopped.
 * @param {Task} task
 */
export function currentText(task) {
  if (task.state === 'done') return 'Finished';
  if (task.reason && !LIVE.has(task.state)) return task.reason;
  return task.progress.current ?? '';
}

/**
 * The long form of a state, as `dispatch status ID` says it.
 * @param {Task} task
 */
export function stateSentence(task) {
  switch (task.state) {
    case 'queued':
      return 'Queued: not started yet.';
    case 'running':
      return 'Running.';
    case 'waiting':
      return 'Waiting for your answer.';
    case 'blocked':
      return 'Blocked on a question: the worker stopped waiting; answering starts a new one.';
    case 'done':
      return 'Done.';
    case 'failed':
      return 'Failed.';
    case 'timed-out':
      return 'Timed out: no activity for too long.';
    case 'cancelled':
      return 'Cancelled.';
    case 'not-started':
      return 'Not started: a task it depends on did not finish.';
    default:
      return task.state;
  }
}
