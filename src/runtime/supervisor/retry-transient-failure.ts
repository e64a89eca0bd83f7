import { backendOfTask } from '../../core/backends/backend-registry.js';
import type { FailureCause } from '../../core/backends/backend.js';
import { currentAttemptEvents, latestWorker } from '../../core/task/current-attempt.js';
import { nextAttempt } from '../../core/task/task-events.js';
import { mayRetryTransient, transientRetryDelayMs } from '../../core/task/transient-retry.js';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import type { TaskStore } from '../store/task-store.js';
import { attemptLog } from './attempt-log.js';
import { resumeTask } from '../tasks/resume-task.js';

export interface TransientRetry {
  cause: FailureCause;
  /** When the new attempt may start (ms since the epoch). */
  notBeforeMs: number;
}

/**
 * A worker whose CLI failed in a way that passes by itself (Claude Code's daemon, busy under
 * parallel runs) is run again once per continuation, with the same prompt and session, after a
 * backoff with jitter. The decision is taken before the failure is recorded (no `failed`
 * notification for it) and written at once as a queued attempt with its start time, so a
 * supervisor that restarts meanwhile starts it from the files. A second failure is a failure.
 */
export function retryTransientFailure(
  store: TaskStore,
  snapshot: TaskSnapshot,
  status: TaskStatus,
): TransientRetry | undefined {
  if (status.state !== 'failed' || status.exit === undefined || status.exit.signal !== undefined)
    return undefined;
  if (status.exit.code === 0) return undefined;
  const current = currentAttemptEvents(snapshot.events);
  if (current.some((event) => event.type === 'failed' || event.type === 'budget-exceeded'))
    return undefined;
  if (!mayRetryTransient(snapshot.events)) return undefined;
  const worker = latestWorker(current);
  if (worker?.exited === undefined) return undefined;
  const attempt = worker.spawned.attempt;
  const cause = backendOfTask(snapshot.meta?.backendType).classifyFailure(
    attemptLog(store, snapshot.id, attempt),
  );
  if (!cause?.transient) return undefined;
  const notBeforeMs = Date.parse(worker.exited.time) + transientRetryDelayMs(snapshot.id, attempt);
  const outcome = resumeTask(store, snapshot.id, {
    reason: 'transient-retry',
    attempt: nextAttempt(snapshot.events),
    repeat: { attempt, notBefore: new Date(notBeforeMs).toISOString(), cause: cause.label },
  });
  return outcome.started ? { cause, notBeforeMs } : undefined;
}
