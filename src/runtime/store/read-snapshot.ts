import { readIpcState } from '../../core/ipc/ipc-protocol.js';
import { ipcFileName } from '../../core/ipc/ipc-protocol.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import type { Liveness, TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import { parseEvents, type TaskEvent } from '../../core/task/task-events.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import type { TaskFiles } from '../paths.js';
import { isGroupAlive, isProcessAlive } from '../process/process-info.js';
import { distrustReason } from '../trust/task-trust.js';
import {
  MAX_PLAN_BYTES,
  MAX_QUESTION_BYTES,
  listRealDir,
  mtimeMs,
  readFileNoFollow,
  readTextFile,
} from './read-text.js';
import { lstatQuietly, refuseSymlink } from '../fs/no-follow.js';
import { latestWorker } from '../../core/task/current-attempt.js';
import { logTail } from '../tasks/read-log.js';

/** Enough of a running worker's log for a retry line followed by a stack trace. */
export const RETRY_LOG_LINES = 80;

export function readMeta(files: TaskFiles): TaskMeta | undefined {
  try {
    return JSON.parse(readFileNoFollow(files.meta)) as TaskMeta;
  } catch {
    return undefined;
  }
}

export function readEvents(files: TaskFiles): TaskEvent[] {
  try {
    return parseEvents(readFileNoFollow(files.events)).events;
  } catch {
    return [];
  }
}

/** Whether the latest attempt's worker runs, judged by pid and process start time. */
export function workerLiveness(events: TaskEvent[]): Liveness {
  const worker = latestWorker(events);
  if (!worker) return 'unknown';
  if (worker.exited) return 'dead';
  if (isProcessAlive(worker.spawned.pid, worker.spawned.startTime)) return 'alive';
  // The wrapper (the group's leader) was killed on its own: the agent CLI in its group may run on
  // and finish the work. A pid that still names a process group is not reused, so any live member
  // is this worker's.
  return isGroupAlive(worker.spawned.pid) ? 'alive' : 'dead';
}

/**
 * Reads everything status derivation needs from a task folder. Never throws for bad content;
 * throws for a task folder, or a file or folder of its own, that is a symbolic link.
 */
export function readTaskSnapshot(
  id: string,
  files: TaskFiles,
  env: NodeJS.ProcessEnv = process.env,
): TaskSnapshot {
  for (const path of [files.taskDir, files.meta, files.events, files.ipc]) refuseSymlink(path);
  const meta = readMeta(files);
  const events = readEvents(files);
  const untrusted = distrustReason(id, files, meta, events, env);
  const planRead = readTextFile(files.plan, MAX_PLAN_BYTES);
  const ipc = readIpcState(listRealDir(files.ipc));
  const questions: Record<number, string> = {};
  for (const seq of ipc.unanswered) {
    const read = readTextFile(files.ipcFile(ipcFileName(seq, 'question')), MAX_QUESTION_BYTES, {
      truncate: true,
    });
    questions[seq] = read.ok
      ? read.text.trim() + (read.truncated ? ' […truncated]' : '')
      : `(unreadable question: ${read.problem})`;
  }
  return {
    id,
    meta,
    events,
    plan: planRead.ok ? parsePlan(planRead.text) : undefined,
    planProblem: planRead.ok ? undefined : planRead.problem,
    ipc,
    questions,
    hasContext: lstatQuietly(files.context)?.isFile() === true,
    // A forged `spawned` event must not make a live stranger look like this task's worker.
    liveness: untrusted ? 'unknown' : workerLiveness(events),
    lastActivityMs: Math.max(mtimeMs(files.plan), mtimeMs(files.ipc), mtimeMs(files.log)),
    readAtMs: Date.now(),
    // Only a running worker's log can say it is retrying.
    ...(!untrusted && latestWorker(events)?.exited === undefined
      ? { logTail: logTail(files.log, RETRY_LOG_LINES) }
      : {}),
    ...(untrusted ? { untrusted } : {}),
  };
}

export function readTaskStatus(
  id: string,
  files: TaskFiles,
  env: NodeJS.ProcessEnv = process.env,
): TaskStatus {
  return deriveStatus(readTaskSnapshot(id, files, env));
}
