import type { TaskState } from '../../core/status/task-status.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { paint, type StyleName } from './style.js';

/** The colour of each state, shared by `dispatch status` and the terminal view. */
export const STATE_STYLE: Record<TaskState, StyleName> = {
  queued: 'dim',
  running: 'cyan',
  waiting: 'magenta',
  blocked: 'magenta',
  verifying: 'cyan',
  done: 'green',
  'verify-failed': 'red',
  failed: 'red',
  'timed-out': 'yellow',
  cancelled: 'yellow',
  'not-started': 'yellow',
};

/**
 * What the labels need of a task: its state and pending question. Both a task's status and its
 * JSON summary (where an absent number is null) have it.
 */
export interface LabelledTask {
  state: TaskState;
  question?: { seq?: number | null; text: string } | null;
  /** Why the task is not the user's, if it is not. */
  untrusted?: string | null;
  /** The worker node it runs on, for a task on a queue. */
  node?: string | null;
  /** How a finished task ended: done-verified, done-unverified or verify-failed. */
  outcome?: string | null;
}

/** " on NODE" for a task that runs on a worker node. */
const onNode = (status: LabelledTask): string => (status.node ? ` on ${status.node}` : '');

/** Short state for tables: "waiting 001", "failed", … */
export function stateLabel(status: LabelledTask, color?: boolean): string {
  let label: string = status.state;
  if (status.state === 'waiting' && status.question?.seq != null)
    label = `waiting ${formatSeq(status.question.seq)}`;
  // A task checked by a verify command says so; a plain "done" had none (done-unverified).
  if (status.outcome === 'done-verified') label = 'done-verified';
  if (status.untrusted != null)
    label = status.state === 'not-started' ? 'not yours' : `${label} (not yours)`;
  else label += onNode(status);
  return paint(label, STATE_STYLE[status.state], color);
}

/** Long state for the detail view. */
export function stateSentence(status: LabelledTask): string {
  if (status.untrusted != null)
    return status.state === 'not-started'
      ? 'not created by you: never started (see `dispatch doctor`)'
      : 'not created by you: dispatch will not start, resume or stop it (see `dispatch doctor`)';
  switch (status.state) {
    case 'queued':
      return 'queued (not started yet)';
    case 'running':
      return 'running';
    case 'waiting':
      return `waiting for your answer to question ${status.question?.seq != null ? formatSeq(status.question.seq) : ''}`.trim();
    case 'blocked':
      return 'blocked on a question (the worker stopped waiting; answering starts a new one)';
    case 'verifying':
      return 'verifying (the worker is done; its verify command decides)';
    case 'done':
      return status.outcome === 'done-verified'
        ? 'done, verified (the verify command passed)'
        : 'done';
    case 'verify-failed':
      return 'verify failed (the worker finished, its verify command did not pass)';
    case 'failed':
      return 'failed';
    case 'timed-out':
      return 'timed out';
    case 'cancelled':
      return 'cancelled';
    case 'not-started':
      return 'not started';
  }
}
