import { readFileSync } from 'node:fs';
import { ipcFileName } from '../../core/ipc/ipc-protocol.js';
import { currentAttemptEvents } from '../../core/task/current-attempt.js';
import { nextAttempt } from '../../core/task/task-events.js';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import type { TaskStore } from '../store/task-store.js';
import { resumeTask } from '../tasks/resume-task.js';

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
  // Only an answer given during the current attempt: older ones were handed to a worker already.
  const { events } = snapshot;
  const answeredNow = new Set(
    currentAttemptEvents(events).flatMap((e) =>
      e.type === 'answered' && e.seq !== null ? [e.seq] : [],
    ),
  );
  const seq = snapshot.ipc.unacknowledged.filter((s) => answeredNow.has(s)).pop();
  if (seq === undefined) return false;
  const files = store.files(snapshot.id);
  let question = '';
  let answer: string;
  try {
    answer = readFileSync(files.ipcFile(ipcFileName(seq, 'answer')), 'utf8').trim();
    question = readFileSync(files.ipcFile(ipcFileName(seq, 'question')), 'utf8').trim();
  } catch {
    return false;
  }
  // `dispatch answer` continues the task itself: whichever of the two comes first starts it.
  return resumeTask(store, snapshot.id, {
    reason: 'answer',
    attempt: nextAttempt(events),
    answer: { question, text: answer },
  }).started;
}
