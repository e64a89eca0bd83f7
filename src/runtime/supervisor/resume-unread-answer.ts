import { nextAttempt } from '../../core/task/task-events.js';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import type { TaskStore } from '../store/task-store.js';
import { resumeTask } from '../tasks/resume-task.js';
import { undeliveredAnswer } from '../tasks/undelivered-answer.js';

/**
 * The race of the fallback: the user answers just as the worker gives up waiting and exits. The
 * answer file is there but was never acknowledged, and the plan shows the item blocked. Rather
 * than ask the user again, a new worker continues with that answer. Returns true if it started one.
 */
export function resumeWithUnreadAnswer(
  store: TaskStore,
  snapshot: TaskSnapshot,
  status: TaskStatus,
): boolean {
  if (status.state !== 'blocked' || status.question?.seq !== undefined) return false;
  const answer = undeliveredAnswer(store.files(snapshot.id), snapshot.events, snapshot.ipc);
  if (!answer) return false;
  // `dispatch answer` continues the task itself: whichever of the two comes first starts it.
  return resumeTask(store, snapshot.id, {
    reason: 'answer',
    attempt: nextAttempt(snapshot.events),
    answer: { question: answer.question, text: answer.text },
  }).started;
}
