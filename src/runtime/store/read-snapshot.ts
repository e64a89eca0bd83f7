import { existsSync, readFileSync } from 'node:fs';
import { readIpcState } from '../../core/ipc/ipc-protocol.js';
import { ipcFileName } from '../../core/ipc/ipc-protocol.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import type { Liveness, TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import { parseEvents, type TaskEvent } from '../../core/task/task-events.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import type { TaskFiles } from '../paths.js';
import { isProcessAlive } from '../process/process-info.js';
import { MAX_PLAN_BYTES, MAX_QUESTION_BYTES, listDir, mtimeMs, readTextFile } from './read-text.js';
import { latestWorker } from '../../core/task/current-attempt.js';

export function readMeta(files: TaskFiles): TaskMeta | undefined {
  try {
    return JSON.parse(readFileSync(files.meta, 'utf8')) as TaskMeta;
  } catch {
    return undefined;
  }
}

export function readEvents(files: TaskFiles): TaskEvent[] {
  try {
    return parseEvents(readFileSync(files.events, 'utf8')).events;
  } catch {
    return [];
  }
}

/** Whether the latest attempt's worker runs, judged by pid and process start time. */
export function workerLiveness(events: TaskEvent[]): Liveness {
  const worker = latestWorker(events);
  if (!worker) return 'unknown';
  if (worker.exited) return 'dead';
  return isProcessAlive(worker.spawned.pid, worker.spawned.startTime) ? 'alive' : 'dead';
}

/** Reads everything status derivation needs from a task folder. Never throws for bad content. */
export function readTaskSnapshot(id: string, files: TaskFiles): TaskSnapshot {
  const meta = readMeta(files);
  const events = readEvents(files);
  const planRead = readTextFile(files.plan, MAX_PLAN_BYTES);
  const ipc = readIpcState(listDir(files.ipc));
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
    hasContext: existsSync(files.context),
    liveness: workerLiveness(events),
    lastActivityMs: Math.max(mtimeMs(files.plan), mtimeMs(files.ipc), mtimeMs(files.log)),
    readAtMs: Date.now(),
  };
}

export function readTaskStatus(id: string, files: TaskFiles): TaskStatus {
  return deriveStatus(readTaskSnapshot(id, files));
}
