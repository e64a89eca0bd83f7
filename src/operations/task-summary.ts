import * as z from 'zod/mini';
import { elapsedMs } from '../core/status/elapsed.js';
import type { TaskStatus } from '../core/status/task-status.js';
import { TASK_OUTCOMES, type VerifyRound } from '../core/verify/verify-status.js';
import { taskState, worktreeInfo } from './task-fields.js';

/** One verify run's result (docs/verify.md). */
const verifyRound = z.object({
  attempt: z.number(),
  passed: z.boolean(),
  /** Exit code; null when it was stopped (time limit) or could not start. */
  code: z.nullable(z.number()),
  timedOut: z.boolean(),
  durationMs: z.number(),
  /** The last line of its output. */
  lastLine: z.string(),
  /** Why it could not run at all, if so. */
  error: z.nullable(z.string()),
  time: z.string(),
});

function roundJson(round: VerifyRound): z.output<typeof verifyRound> {
  return { ...round, error: round.error ?? null };
}

/**
 * A task's status as plain JSON: the shape of `dispatch status --json`, of the MCP tools'
 * structured output and of the library's results. Absent values are `null`, never missing.
 */
export const taskSummary = z.object({
  /** The task id: the folder name under `.dispatch/tasks/`. */
  id: z.string(),
  title: z.string(),
  /**
   * queued, running, waiting, blocked, verifying, done, verify-failed, failed, timed-out,
   * cancelled or not-started.
   */
  state: taskState,
  /** The configured model (or alias target) the latest attempt runs with. */
  model: z.nullable(z.string()),
  /** Attempt number: 1, then one more for every resume or retry. */
  attempt: z.number(),
  /** The worker's process id (its process group id too) while known. */
  pid: z.nullable(z.number()),
  progress: z.object({
    done: z.number(),
    total: z.number(),
    /** The first item that is not done: the one the worker is on. */
    current: z.nullable(z.string()),
    /** Items marked `[?]`, with the question written under them. */
    blocked: z.array(z.object({ index: z.number(), text: z.string(), question: z.string() })),
    /** Items marked `[!]`, with the error written under them. */
    errors: z.array(z.object({ index: z.number(), text: z.string(), description: z.string() })),
  }),
  /** The oldest pending question; `seq` is null for one left in the plan by a worker that gave up. */
  question: z.nullable(
    z.object({ seq: z.nullable(z.number()), text: z.string(), live: z.boolean() }),
  ),
  exit: z.nullable(z.object({ code: z.number(), signal: z.nullable(z.string()) })),
  /** Why the task is in this state, in words (failure cause, wait reason, cancel reason). */
  reason: z.nullable(z.string()),
  createdAt: z.nullable(z.string()),
  startedAt: z.nullable(z.string()),
  endedAt: z.nullable(z.string()),
  /** Time since the worker started (until it ended), in milliseconds. */
  elapsedMs: z.nullable(z.number()),
  /** Written by the original prompt-only dispatcher (no task.json or events). */
  legacy: z.boolean(),
  /** The worker node that runs (or ran) the current attempt; null for a task on this machine. */
  node: z.nullable(z.string()),
  /**
   * Why the task is not yours (no valid launch signature, a folder someone else owns or can
   * write): such a task is never started, resumed or signalled. Null for your own tasks.
   */
  untrusted: z.nullable(z.string()),
  /**
   * How the current attempt continues the task; null for a first attempt. `how` is "session"
   * when the worker CLI resumed its own session (the model keeps everything it read), or
   * "new-worker" when a new worker started with the plan and context.md. `reason`: answer,
   * retry, continue, session-lost (the CLI could not open its session), verify, or
   * transient-retry (the same attempt again after a failure that passes by itself).
   */
  continuation: z.nullable(
    z.object({
      how: z.enum(['session', 'new-worker']),
      session: z.nullable(z.string()),
      reason: z.string(),
    }),
  ),
  /** The git worktree the task runs in (`--worktree`), if it has one. */
  worktree: z.nullable(worktreeInfo),
  /**
   * For one of the runs of `--best-of N`: its group's id (`dispatch compare GROUP`), its number
   * and how many runs there are; null for other tasks.
   */
  bestOf: z.nullable(z.object({ group: z.string(), index: z.number(), of: z.number() })),
  /**
   * While the worker runs: the failure its CLI keeps retrying (a refused key, a rate limit), as
   * its log names it, with the retry number when the CLI says it. `reason` then reads
   * "retrying: authentication failed, attempt 3 of 10".
   */
  retrying: z.nullable(
    z.object({
      kind: z.string(),
      label: z.string(),
      attempt: z.nullable(z.number()),
      of: z.nullable(z.number()),
      evidence: z.string(),
    }),
  ),
  /**
   * How a task whose worker finished ended: done-verified (its verify command passed),
   * done-unverified (it had none) or verify-failed. Null until the worker finishes.
   */
  outcome: z.nullable(z.enum(TASK_OUTCOMES)),
  /**
   * The verify command and where it stands, for a task with one whose worker finished: `step` is
   * waiting (for the worker's exit), pending, running, passed or failed; `round` of `rounds`
   * (1 + --iterate); `history` holds every round's result, oldest first; the output of the
   * latest run is the task's verify.log.
   */
  verify: z.nullable(
    z.object({
      command: z.string(),
      step: z.enum(['waiting', 'pending', 'running', 'passed', 'failed']),
      round: z.number(),
      rounds: z.number(),
      iterating: z.boolean(),
      result: z.nullable(verifyRound),
      history: z.array(verifyRound),
    }),
  ),
});

export type TaskSummary = z.output<typeof taskSummary>;

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
    node: status.node ?? null,
    untrusted: status.untrusted ?? null,
    continuation: status.continuation
      ? {
          how: status.continuation.session !== undefined ? 'session' : 'new-worker',
          session: status.continuation.session ?? null,
          reason: status.continuation.reason,
        }
      : null,
    worktree: status.worktree
      ? {
          path: status.worktree.path,
          branch: status.worktree.branch,
          base: status.worktree.base,
          repo: status.worktree.repo,
        }
      : null,
    bestOf: status.bestOf
      ? { group: status.bestOf.group, index: status.bestOf.index, of: status.bestOf.of }
      : null,
    retrying: status.retrying
      ? {
          kind: status.retrying.kind,
          label: status.retrying.label,
          attempt: status.retrying.retry?.attempt ?? null,
          of: status.retrying.retry?.of ?? null,
          evidence: status.retrying.evidence,
        }
      : null,
    outcome: status.outcome ?? null,
    verify: status.verify
      ? {
          command: status.verify.command,
          step: status.verify.step,
          round: status.verify.round,
          rounds: status.verify.rounds,
          iterating: status.verify.iterating,
          result: status.verify.result ? roundJson(status.verify.result) : null,
          history: status.verify.history.map(roundJson),
        }
      : null,
  };
}
