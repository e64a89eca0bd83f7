import type { TaskStatus } from '../../core/status/task-status.js';
import { elapsedMs } from './durations.js';

/** The stable JSON shape of a task's status (CLI --json, MCP structured output). */
export function statusJson(status: TaskStatus) {
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
      blocked: status.progress.blocked,
      errors: status.progress.errors,
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
  };
}

export type StatusJson = ReturnType<typeof statusJson>;
