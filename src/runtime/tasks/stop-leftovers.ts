import { readLockOwner } from '../lock/file-lock.js';
import { markersInUse, stopTaskProcesses, type TaskMarker } from '../process/task-processes.js';
import type { TaskStore } from '../store/task-store.js';

/** How many stopped processes the history lists (the line must stay under 4 KiB). */
const LISTED = 20;

/**
 * Stops whatever still runs of a task's worker (or of one attempt's) and records it in the
 * history: the processes its environment marks, in any group or session, and their children
 * (runtime/process/task-processes.ts). Never the caller, never the root's supervisor (started
 * by a worker's `dispatch`, it may carry the marker). The caller has checked that the task is the
 * user's own. Resolves with how many processes were stopped.
 */
export async function stopLeftovers(
  store: TaskStore,
  id: string,
  options: {
    attempt?: number;
    after: 'cancel' | 'completion' | 'timeout';
    graceMs?: number;
  },
): Promise<number> {
  const files = store.files(id);
  const supervisor = readLockOwner(store.paths.supervisorLock)?.pid;
  const result = await stopTaskProcesses(
    { taskDir: files.taskDir, taskId: id, attempt: options.attempt },
    {
      graceMs: options.graceMs,
      exclude: new Set(supervisor === undefined ? [] : [supervisor]),
    },
  );
  if (!result || result.processes.length === 0) return 0;
  store.appendEvent(id, {
    type: 'processes-stopped',
    attempt: options.attempt ?? null,
    after: options.after,
    count: result.processes.length,
    killed: result.killed,
    processes: result.processes.slice(0, LISTED).map(({ pid, name }) => ({ pid, name })),
  });
  return result.processes.length;
}

/**
 * The attempts, of those given, that may have left processes: one look at the process table for
 * all of them (the workers of a burst end by the dozen). Every attempt where it cannot be told.
 */
export function attemptsWithLeftovers<T extends { id: string; attempt: number }>(
  store: TaskStore,
  attempts: readonly T[],
): T[] {
  const supervisor = readLockOwner(store.paths.supervisorLock)?.pid;
  const markers = new Map<TaskMarker, T>(
    attempts.map((one) => [
      { taskDir: store.files(one.id).taskDir, taskId: one.id, attempt: one.attempt },
      one,
    ]),
  );
  const inUse = markersInUse(
    [...markers.keys()],
    new Set([process.pid, ...(supervisor === undefined ? [] : [supervisor])]),
  );
  if (inUse === null) return [...attempts];
  return [...markers].filter(([marker]) => inUse.has(marker)).map(([, one]) => one);
}
