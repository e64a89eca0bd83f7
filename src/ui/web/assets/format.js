// @ts-check
// Formatting shared by both pages, matching the terminal's wording.
/** @import { Task } from '../page-types.js' */

// The groups of core/status/state-groups.ts (a unit test keeps them equal).
/** @type {ReadonlySet<string>} */
export const TERMINAL = new Set([
  'done',
  'verify-failed',
  'failed',
  'timed-out',
  'cancelled',
  'not-started',
]);
/** @type {ReadonlySet<string>} */
export const LIVE = new Set(['running', 'waiting']);
/** @type {ReadonlySet<string>} */
export const UNSUCCESSFUL = new Set([
  'failed',
  'timed-out',
  'cancelled',
  'not-started',
  'verify-failed',
]);
/** @type {ReadonlySet<string>} */
export const RETRYABLE = new Set([
  'failed',
  'timed-out',
  'cancelled',
  'not-started',
  'verify-failed',
  'blocked',
]);

/** @param {number} seq */
export function seqLabel(seq) {
  return String(seq).padStart(3, '0');
}

/**
 * The state as the CLI labels it ("waiting 001"), made on the server from src/ui/shared.
 * @param {Task} task
 */
export function stateLabel(task) {
  return task.display.label;
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
 * Pending questions first, then unfinished tasks, then finished ones (the groups of
 * core/status/overview-order.ts); newest first in each, as on a CI run list, then by id.
 * @param {Task[]} tasks
 */
export function orderTasks(tasks) {
  /** @param {Task} t */
  const rank = (t) => (t.question ? 0 : t.state === 'running' || t.state === 'queued' ? 1 : 2);
  /** @param {string} a @param {string} b */
  const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return [...tasks].sort(
    (a, b) =>
      rank(a) - rank(b) || compare(b.createdAt ?? '', a.createdAt ?? '') || compare(a.id, b.id),
  );
}

/** The filters of the summary bar: which tasks each shows. */
/** @type {Record<string, { label: string, test: (task: Task) => boolean }>} */
export const FILTERS = {
  all: { label: 'All', test: () => true },
  running: {
    label: 'Running',
    test: (t) => !t.question && (t.state === 'running' || t.state === 'queued'),
  },
  waiting: { label: 'Waiting for you', test: (t) => t.question !== null },
  failed: { label: 'Failed', test: (t) => UNSUCCESSFUL.has(t.state) },
  done: { label: 'Done', test: (t) => t.state === 'done' },
};

/**
 * "10:32:05" today, "3 Dec 10:32" another day: when something happened, in local time.
 * @param {string} iso
 */
export function clockTime(iso, now = new Date()) {
  const date = new Date(iso);
  const time = date.toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time.slice(0, 5)}`;
}

/**
 * What the worker is on, or why it stopped.
 * @param {Task} task
 */
export function currentText(task) {
  if (task.state === 'done') return 'Finished';
  if (task.display.cause) return task.display.cause;
  // A live task has a reason only while its CLI retries a refused request.
  if (task.reason && (!LIVE.has(task.state) || task.retrying)) return task.reason;
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
    case 'verifying':
      return 'Verifying: the worker is done; its verify command decides.';
    case 'done':
      return task.outcome === 'done-verified'
        ? 'Done, verified: the verify command passed.'
        : 'Done.';
    case 'verify-failed':
      return 'Verify failed: the worker finished, its verify command did not pass.';
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

/**
 * The verify command and where it stands, as `dispatch status ID` says it; empty without one.
 * @param {Task} task
 */
export function verifyText(task) {
  const verify = task.verify;
  if (!verify) return '';
  const step =
    verify.step === 'passed'
      ? 'passed'
      : verify.step === 'failed'
        ? 'failed'
        : verify.step === 'running'
          ? 'running'
          : 'due';
  const rounds = verify.rounds > 1 ? ` (round ${verify.round} of ${verify.rounds})` : '';
  return `${verify.command}: ${step}${rounds}`;
}
