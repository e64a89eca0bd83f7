import { backendOfTask } from '../../core/backends/backend-registry.js';
import { currentAttemptEvents, latestWorker } from '../../core/task/current-attempt.js';
import { nextAttempt } from '../../core/task/task-events.js';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import type { TaskStore } from '../store/task-store.js';
import { attemptLog } from './attempt-log.js';
import { resumeTask } from '../tasks/resume-task.js';

/**
 * An attempt that resumed a CLI's session found it gone (deleted, another home, expired): the
 * CLI said so and exited. The task continues once more, with a new worker given the plan,
 * context.md and the same answer or instructions (the prompt written beside the session's
 * message). That attempt resumes no session, so this happens at most once per continuation.
 * Returns true if it started one.
 */
export function resumeLostSession(
  store: TaskStore,
  snapshot: TaskSnapshot,
  status: TaskStatus,
): boolean {
  if (
    status.state === 'done' ||
    status.state === 'verifying' ||
    status.state === 'verify-failed' ||
    status.state === 'cancelled' ||
    status.exit === undefined
  )
    return false;
  const current = currentAttemptEvents(snapshot.events);
  const resumed = current[0];
  if (resumed?.type !== 'resumed' || resumed.session === undefined) return false;
  const worker = latestWorker(current);
  if (worker?.exited === undefined || worker.spawned.attempt !== resumed.attempt) return false;
  const lost = backendOfTask(snapshot.meta?.backendType).resume?.lost;
  if (!lost || !lost.test(attemptLog(store, snapshot.id, resumed.attempt))) return false;
  return resumeTask(store, snapshot.id, {
    reason: 'session-lost',
    attempt: nextAttempt(snapshot.events),
    lostAttempt: resumed.attempt,
  }).started;
}
