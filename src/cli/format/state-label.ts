import type { TaskState, TaskStatus } from '../../core/status/task-status.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { paint, type StyleName } from './style.js';

/** The colour of each state, shared by `dispatch status` and the terminal view. */
export const STATE_STYLE: Record<TaskState, StyleName> = {
  queued: 'dim',
  running: 'cyan',
  waiting: 'magenta',
  blocked: 'magenta',
  done: 'green',
  failed: 'red',
  'timed-out': 'yellow',
  cancelled: 'yellow',
  'not-started': 'yellow',
};

/** Short state for tables: "waiting 001", "failed", … */
export function stateLabel(status: TaskStatus, color?: boolean): string {
  let label: string = status.state;
  if (status.state === 'waiting' && status.question?.seq !== undefined)
    label = `waiting ${formatSeq(status.question.seq)}`;
  if (status.untrusted !== undefined)
    label = status.state === 'not-started' ? 'not yours' : `${label} (not yours)`;
  return paint(label, STATE_STYLE[status.state], color);
}

/** Long state for the detail view. */
export function stateSentence(status: TaskStatus): string {
  if (status.untrusted !== undefined)
    return status.state === 'not-started'
      ? 'not created by you: never started (see `dispatch doctor`)'
      : 'not created by you: dispatch will not start, resume or stop it (see `dispatch doctor`)';
  switch (status.state) {
    case 'queued':
      return 'queued (not started yet)';
    case 'running':
      return 'running';
    case 'waiting':
      return `waiting for your answer to question ${status.question?.seq !== undefined ? formatSeq(status.question.seq) : ''}`.trim();
    case 'blocked':
      return 'blocked on a question (the worker stopped waiting; answering starts a new one)';
    case 'done':
      return 'done';
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
