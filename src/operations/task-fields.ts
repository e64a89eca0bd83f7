import * as z from 'zod/mini';
import { TASK_STATES } from '../core/status/task-status.js';
import { PRIORITIES } from '../core/task/task-meta.js';

/** Fields and parts that several operations share, declared once. */

/**
 * A field naming an existing task: `perform` resolves what the user typed (the whole id, or a
 * start only one task has) to the task's id before the operation runs, for every interface.
 */
export const taskId = z
  .string()
  .check(
    z.minLength(1, 'give a task id'),
    z.describe(
      'Task id, as returned by dispatch_run (e.g. "security-review"), or a start of it only one task has',
    ),
  );

/** Several existing tasks, each resolved like `taskId`. */
export function taskIds(description: string) {
  return z.array(taskId).check(z.describe(description));
}

type Def = { type: string; innerType?: z.ZodMiniType; element?: z.ZodMiniType };

/** Whether an input field names one task (`one`), several (`many`), or none. */
export function taskRefKind(schema: z.ZodMiniType): 'one' | 'many' | undefined {
  let current = schema;
  for (;;) {
    if (current === taskId) return 'one';
    const def = current._zod.def as Def;
    if ((def.type === 'optional' || def.type === 'nullable') && def.innerType)
      current = def.innerType;
    else if (def.type === 'array' && def.element === taskId) return 'many';
    else return undefined;
  }
}

export const taskState = z.enum(TASK_STATES);

export const priority = z.enum(PRIORITIES);

/** Text a person or a model typed: it must say something. */
export function someText(what: string, description: string) {
  return z.string().check(
    z.refine((text) => text.trim() !== '', `the ${what} is empty`),
    z.describe(description),
  );
}

const QUESTION_NUMBER = 'the question number must be a whole number from 1 to 999';

/** The number of a question of a task (001 is 1), optional. */
export function questionNumber(description?: string) {
  return z.optional(
    z
      .number()
      .check(
        z.int(QUESTION_NUMBER),
        z.minimum(1, QUESTION_NUMBER),
        z.maximum(999, QUESTION_NUMBER),
        ...(description !== undefined ? [z.describe(description)] : []),
      ),
  );
}

export const worktreeInfo = z.object({
  path: z.string(),
  branch: z.string(),
  /** Commit the branch started from. */
  base: z.string(),
  /** The repository the worktree belongs to (its top level). */
  repo: z.string(),
});

/** A worktree task's branch and what it holds that exists nowhere else (git asked, per task). */
export const worktreeState = z.extend(worktreeInfo, {
  /** The worktree folder is still there. */
  present: z.boolean(),
  /** The branch still exists. */
  branchExists: z.boolean(),
  /** Commits on the branch since its base. */
  commitsAhead: z.number(),
  /** Commits on the branch the repository's current HEAD does not contain. */
  unmergedCommits: z.number(),
  /** `git status --porcelain` lines of the worktree: what the worker left uncommitted. */
  uncommitted: z.array(z.string()),
  /** Everything on the branch is in the current HEAD and nothing is left uncommitted. */
  merged: z.boolean(),
});

/**
 * Whether a worktree task's branch holds commits the repository's HEAD lacks, as listings give
 * it (one git call per repository; uncommitted files are not looked at there). Null for a task
 * without a worktree, or when git could not say.
 */
export const unmergedFlag = z.nullable(z.boolean());

export const failureCause = z.object({
  kind: z
    .string()
    .check(z.describe('not-installed, auth, rate-limit, model-unavailable, network, …')),
  /** The kind in words, e.g. "authentication failed". */
  label: z.string(),
  /** The log line that gave it away. */
  evidence: z.string(),
  /** What the user can do about it. */
  advice: z.string(),
});

/** Tokens and cost the agent CLI reported, over every attempt. */
export const usageSummary = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.optional(z.number()),
  cacheWriteTokens: z.optional(z.number()),
  costUsd: z.optional(z.number()),
  /** Attempts that reported usage. */
  attempts: z.number(),
});

/** A queued task's place in the queue and why it waits. */
export const queuePlace = z.object({
  /** Place in the start order, from 1. */
  position: z.number(),
  /** How many tasks are queued. */
  of: z.number(),
  priority,
  /** Why it has not started, in words. */
  reason: z.string(),
  /** `start`: a slot is free and the scheduler starts it on its next pass. */
  outlook: z.enum(['start', 'wait', 'skip']),
});
