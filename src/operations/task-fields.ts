import * as z from 'zod/mini';
import { TASK_STATES } from '../core/status/task-status.js';
import { PRIORITIES } from '../core/task/task-meta.js';

/** Fields and parts that several operations share, declared once. */
export const taskId = z
  .string()
  .check(
    z.minLength(1, 'give a task id'),
    z.describe('Task id, as returned by dispatch_run (e.g. "security-review")'),
  );

export const taskState = z.enum(TASK_STATES);

export const priority = z.enum(PRIORITIES);

/** Text a person or a model typed: it must say something. */
export function someText(what: string, description: string) {
  return z.string().check(
    z.refine((text) => text.trim() !== '', `the ${what} is empty`),
    z.describe(description),
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
