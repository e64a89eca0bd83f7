import { elapsedMs } from '../core/status/elapsed.js';
import type { TaskState, TaskStatus } from '../core/status/task-status.js';

/**
 * A task's status as plain JSON: the shape of `dispatch status --json`, of the MCP tools'
 * structured output and of the library's results. Absent values are `null`, never missing.
 */
export interface TaskSummary {
  /** The task id: the folder name under `.dispatch/tasks/`. */
  id: string;
  title: string;
  /** queued, running, waiting, blocked, done, failed, timed-out, cancelled or not-started. */
  state: TaskState;
  /** The configured model (or alias target) the latest attempt runs with. */
  model: string | null;
  /** Attempt number: 1, then one more for every resume or retry. */
  attempt: number;
  /** The worker's process id (its process group id too) while known. */
  pid: number | null;
  progress: {
    done: number;
    total: number;
    /** The first item that is not done: the one the worker is on. */
    current: string | null;
    /** Items marked `[?]`, with the question written under them. */
    blocked: { index: number; text: string; question: string }[];
    /** Items marked `[!]`, with the error written under them. */
    errors: { index: number; text: string; description: string }[];
  };
  /** The oldest pending question; `seq` is null for one left in the plan by a worker that gave up. */
  question: { seq: number | null; text: string; live: boolean } | null;
  exit: { code: number; signal: string | null } | null;
  /** Why the task is in this state, in words (failure cause, wait reason, cancel reason). */
  reason: string | null;
  createdAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Time since the worker started (until it ended), in milliseconds. */
  elapsedMs: number | null;
  /** Written by the original prompt-only dispatcher (no task.json or events). */
  legacy: boolean;
  /**
   * Why the task is not yours (no valid launch signature, a folder someone else owns or can
   * write): such a task is never started, resumed or signalled. Null for your own tasks.
   */
  untrusted: string | null;
}

/** The stable JSON shape of a task's status. */
export function statusJson(status: TaskStatus): TaskSummary {
  return {
    id: status.id,
    title: status.title,
    state: status.state,
    model: status.model ?? null,
    attempt: status.attempt,
    pid: status.pid ?? null,
    progress: {
      done: status.progress.done,
      total: status.progress.total,
      current: status.progress.current?.text ?? null,
      blocked: status.progress.blocked.map(({ index, text, question }) => ({
        index,
        text,
        question,
      })),
      errors: status.progress.errors.map(({ index, text, description }) => ({
        index,
        text,
        description,
      })),
    },
    question: status.question
      ? { seq: status.question.seq ?? null, text: status.question.text, live: status.question.live }
      : null,
    exit: status.exit ? { code: status.exit.code, signal: status.exit.signal ?? null } : null,
    reason: status.reason ?? null,
    createdAt: status.createdAt ?? null,
    startedAt: status.startedAt ?? null,
    endedAt: status.endedAt ?? null,
    elapsedMs: elapsedMs(status.startedAt, status.endedAt) ?? null,
    legacy: status.legacy,
    untrusted: status.untrusted ?? null,
  };
}
