import type { TaskEvent } from './task-events.js';

type Spawned = Extract<TaskEvent, { type: 'spawned' }>;
type Exited = Extract<TaskEvent, { type: 'exited' }>;

/**
 * The events of the current attempt: from the last `queued` or `resumed` event on (the whole
 * history when there is none). Ends, answers and failures of earlier attempts no longer count.
 */
export function currentAttemptEvents(events: readonly TaskEvent[]): readonly TaskEvent[] {
  for (let i = events.length - 1; i >= 0; i--) {
    const type = events[i]?.type;
    if (type === 'queued' || type === 'resumed') return events.slice(i);
  }
  return events;
}

export interface LatestWorker {
  spawned: Spawned;
  /** Its exit, written by the worker's shell wrapper; undefined while it runs (or was killed). */
  exited: Exited | undefined;
}

/** The last worker these events started, and its exit if recorded. */
export function latestWorker(events: readonly TaskEvent[]): LatestWorker | undefined {
  let spawned: Spawned | undefined;
  for (let i = events.length - 1; i >= 0 && !spawned; i--) {
    const event = events[i];
    if (event?.type === 'spawned') spawned = event;
  }
  if (!spawned) return undefined;
  const attempt = spawned.attempt;
  const exited = events.find(
    (event): event is Exited => event.type === 'exited' && event.attempt === attempt,
  );
  return { spawned, exited };
}
