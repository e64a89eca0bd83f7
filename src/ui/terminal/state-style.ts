import type { TaskState } from '../../core/status/task-status.js';
import type { Style } from './styled-line.js';

/** The colour of each state, as in `dispatch status`. */
export const STATE_STYLE: Record<TaskState, Style> = {
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
