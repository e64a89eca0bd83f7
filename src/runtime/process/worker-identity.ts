import { readFileSync } from 'node:fs';
import type { TaskEvent } from '../../core/task/task-events.js';
import { isProcessAlive } from './process-info.js';

/** What a `spawned` event says about the worker it started. */
export interface WorkerClaim {
  taskId: string;
  pid: number;
  startTime: string | null | undefined;
}

/**
 * Whether the process's environment carries the task's marker. Linux only: /proc/PID/environ is
 * readable for the user's own processes alone, so a process of another user never passes. Null
 * where the platform offers no way to read it.
 */
function carriesMarker(pid: number, taskId: string): boolean | null {
  if (process.platform !== 'linux') return null;
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return false;
  }
  return environ.split('\0').includes(`DISPATCH_TASK_ID=${taskId}`);
}

/**
 * Whether a process is provably the worker a task started, so that signalling its group stops
 * that worker and nothing else: the same pid, the same start time (a reused pid differs), and the
 * task's id in its environment (every worker's wrapper starts with DISPATCH_TASK_ID set). A
 * forged `spawned` event naming some other process of the user fails the last check, one naming
 * a process that is not the user's fails it too. Elsewhere than Linux, pid and start time must
 * both be known and match.
 */
export function isTaskWorker(claim: WorkerClaim): boolean {
  const { pid, startTime, taskId } = claim;
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return false;
  if (!isProcessAlive(pid, startTime)) return false;
  const marker = carriesMarker(pid, taskId);
  if (marker === null) return typeof startTime === 'string' && startTime !== '';
  return marker;
}

/** The worker the latest `spawned` event of a history names, if any. */
export function latestWorkerClaim(
  taskId: string,
  events: readonly TaskEvent[],
): WorkerClaim | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.type === 'spawned') return { taskId, pid: event.pid, startTime: event.startTime };
  }
  return undefined;
}
