import type { NotifyEvent } from '../../core/config/config-schema.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import type { TaskStatus } from '../../core/status/task-status.js';

/** What a notify hook receives as JSON on its standard input. */
export interface NotificationPayload {
  event: NotifyEvent;
  time: string;
  root: string;
  task: {
    id: string;
    title: string;
    state: string;
    model: string | null;
    progress: { done: number; total: number };
    question: { seq: number | null; text: string } | null;
    reason: string | null;
    exit: { code: number; signal: string | null } | null;
  };
}

export function notificationPayload(
  event: NotifyEvent,
  status: TaskStatus,
  root: string,
): NotificationPayload {
  return {
    event,
    time: new Date().toISOString(),
    root,
    task: {
      id: status.id,
      title: status.title,
      state: status.state,
      model: status.model ?? null,
      progress: { done: status.progress.done, total: status.progress.total },
      question: status.question
        ? { seq: status.question.seq ?? null, text: status.question.text }
        : null,
      reason: status.reason ?? null,
      exit: status.exit ? { code: status.exit.code, signal: status.exit.signal ?? null } : null,
    },
  };
}

/** One line for a desktop notification. */
export function notificationText(payload: NotificationPayload): { title: string; body: string } {
  const { task } = payload;
  const title = `dispatch: ${task.id}`;
  switch (payload.event) {
    case 'question': {
      const seq = task.question?.seq != null ? ` ${formatSeq(task.question.seq)}` : '';
      return { title, body: `Question${seq}: ${task.question?.text ?? ''}`.slice(0, 300) };
    }
    case 'completed':
      return { title, body: `Done (${task.progress.done}/${task.progress.total} items)` };
    default:
      return {
        title,
        body: `${payload.event}${task.reason ? `: ${task.reason}` : ''}`.slice(0, 300),
      };
  }
}
