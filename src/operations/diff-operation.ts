import * as z from 'zod/mini';
import { requireTaskWorktree } from '../runtime/worktree/task-worktree.js';
import { worktreeDiff } from '../runtime/worktree/worktree-diff.js';
import { defineOperation } from './define-operation.js';
import { taskId, worktreeInfo } from './task-fields.js';

export const diffInput = z.object({
  id: taskId,
  stat: z.optional(z.boolean().check(z.describe('A summary per file instead of the full patches'))),
  color: z.optional(z.boolean().check(z.describe('Colour the patches for a terminal'))),
});

/** What a worktree task's branch and folder hold. */
export const diffResult = z.object({
  id: z.string(),
  worktree: worktreeInfo,
  present: z.boolean(),
  branchExists: z.boolean(),
  /** `git log --oneline base..branch`: what the worker (or a merge) committed. */
  commits: z.array(z.string()),
  /** The branch's changes since its base (a patch, or a stat with `stat`). */
  committed: z.string(),
  /** Files changed in the worktree but not committed (`git status --porcelain`). */
  uncommittedFiles: z.array(z.string()),
  /** Those changes against the branch, new files included (a patch, or a stat). */
  uncommitted: z.string(),
  /** For a task that ran on a worker node: the repository its branch was fetched from. */
  fetchedFrom: z.optional(z.string()),
});

export type DiffResult = z.output<typeof diffResult>;

/**
 * What a worktree task did (`dispatch diff`): the commits on its branch and what its worker left
 * uncommitted in the worktree, new files included. Changes nothing.
 */
export const diffOperation = defineOperation({
  name: 'diff',
  input: diffInput,
  result: diffResult,
  run: (ctx, { id, stat, color }): DiffResult => {
    const { worktree, fetchedFrom } = requireTaskWorktree(ctx.store, id);
    const diff = worktreeDiff(worktree, { stat, color: color ?? false });
    return { id, ...diff, ...(fetchedFrom !== undefined ? { fetchedFrom } : {}) };
  },
});
