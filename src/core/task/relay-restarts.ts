import type { TaskMeta } from './task-meta.js';
import type { TaskEvent } from './task-events.js';

/**
 * How often the relay of one attempt of a node task is started again before the task counts as
 * failed: enough for a laptop that sleeps and wakes through a long task, few enough that a relay
 * that cannot run at all is not started for ever.
 */
export const MAX_RELAY_RESTARTS = 20;

/**
 * Whether a node task's relay, found gone without the node's exit, is to be started again on
 * the same attempt: the work goes on on the node, which keeps its messages in the streams until
 * a relay reads them. `events` are the current attempt's.
 */
export function relayRestartDue(
  meta: TaskMeta | undefined,
  events: readonly TaskEvent[],
  attempt: number,
): boolean {
  if (meta?.queue === undefined) return false;
  let restarts = 0;
  for (const event of events) {
    if (event.type === 'cancelled') return false;
    if ((event.type === 'node-lost' || event.type === 'exited') && event.attempt === attempt)
      return false;
    if (event.type === 'relay-restarted' && event.attempt === attempt) restarts++;
  }
  return restarts < MAX_RELAY_RESTARTS;
}
