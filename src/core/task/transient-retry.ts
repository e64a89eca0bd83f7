import { currentAttemptEvents } from './current-attempt.js';
import type { TaskEvent } from './task-events.js';

/** The shortest wait before a transient failure is retried. */
const BACKOFF_MS = 4000;
/** Up to this much is added, different per task and attempt. */
const JITTER_MS = 4000;

/**
 * How long to wait before retrying an attempt that failed transiently: a few seconds plus a
 * jitter taken from the task id and attempt, so workers that failed together (Claude Code's
 * daemon, busy under parallel runs) do not start together again, and a supervisor that restarts
 * meanwhile computes the same time from the files.
 */
export function transientRetryDelayMs(id: string, attempt: number): number {
  let hash = 2166136261;
  for (const char of `${id}:${attempt}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return BACKOFF_MS + (hash % (JITTER_MS + 1));
}

/**
 * A transient failure is retried once per continuation (the run, an answer, a retry, a
 * `continue`): not when the current attempt is itself that retry.
 */
export function mayRetryTransient(events: readonly TaskEvent[]): boolean {
  const first = currentAttemptEvents(events)[0];
  return !(first?.type === 'resumed' && first.reason === 'transient-retry');
}

/** "retrying in 6 s" (or "retrying now" once the time has come), for status and watch. */
export function transientRetryText(cause: string, notBefore: string, nowMs: number): string {
  const seconds = Math.ceil((Date.parse(notBefore) - nowMs) / 1000);
  return `${cause}; ${seconds > 0 ? `retrying in ${seconds} s` : 'retrying now'}`;
}
