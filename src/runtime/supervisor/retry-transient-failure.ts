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
 * How long a reader holds a failure the supervisor may still retry before taking it as final
 * (DISPATCH_TRANSIENT_GRACE_MS in tests, where the supervisor is stopped on purpose).
 */
const DECISION_GRACE_MS = 10_000;

interface TransientFailure {
  cause: FailureCause;
  attempt: number;
  exitedMs: number;
}

/**
 * The current attempt's failure, when it is transient and not decided yet: a non-zero exit the
 * wrapper did not see as a signal, no failure recorded for it, not itself the retry of one, and a
 * log the backend reads as a failure that passes by itself.
 */
function undecidedTransientFailure(
  store: TaskStore,
  snapshot: TaskSnapshot,
  status: TaskStatus,
): TransientFailure | undefined {
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
  return { cause, attempt, exitedMs: Date.parse(worker.exited.time) };
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
  const failure = undecidedTransientFailure(store, snapshot, status);
  if (!failure) return undefined;
  const { cause, attempt } = failure;
  const notBeforeMs = failure.exitedMs + transientRetryDelayMs(snapshot.id, attempt);
  const outcome = resumeTask(store, snapshot.id, {
    reason: 'transient-retry',
    attempt: nextAttempt(snapshot.events),
    repeat: { attempt, notBefore: new Date(notBeforeMs).toISOString(), cause: cause.label },
  });
  return outcome.started ? { cause, notBeforeMs } : undefined;
}

/**
 * Until when a reader (`dispatch wait`) should hold a failed task before reporting it: the
 * supervisor is about to retry it (above) or to record the failure, within milliseconds of the
 * exit; the grace bounds the hold when no supervisor runs. Undefined for any other task.
 */
export function transientDecisionDueMs(store: TaskStore, status: TaskStatus): number | undefined {
  if (status.state !== 'failed' || status.exit === undefined || status.exit.signal !== undefined)
    return undefined;
  let snapshot: TaskSnapshot;
  try {
    snapshot = store.snapshot(status.id);
  } catch {
    return undefined;
  }
  const failure = undecidedTransientFailure(store, snapshot, status);
  const graceMs = Number(store.env.DISPATCH_TRANSIENT_GRACE_MS) || DECISION_GRACE_MS;
  return failure && failure.exitedMs + graceMs;
}
