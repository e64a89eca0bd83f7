import * as z from 'zod/mini';
import { mergeTaskWorktree } from '../runtime/worktree/merge-worktree.js';
import { defineOperation } from './define-operation.js';
import { taskId } from './task-fields.js';

export const mergeInput = z.object({
  id: taskId,
  force: z.optional(
    z
      .boolean()
      .check(z.describe('Merge even though the task failed its verify command (docs/verify.md)')),
  ),
});

export const mergeResult = z.object({
  id: z.string(),
  branch: z.string(),
  repo: z.string(),
  /** The branch of the main repository merged into ("HEAD" when detached). */
  into: z.string(),
  /** The commit made of the worker's uncommitted changes before merging, if there were any. */
  committed: z.nullable(z.string()),
  outcome: z.enum(['merged', 'up-to-date']),
  /** HEAD of the main repository afterwards. */
  head: z.string(),
});

export type MergeResult = z.output<typeof mergeResult>;

/**
 * Merges a finished worktree task's branch into the main repository's current branch
 * (`dispatch merge`), committing what the worker left uncommitted first. On conflicts it fails
 * with code `conflict`, naming the files, and leaves the repository as git leaves it. A task that
 * failed its verify command is merged only with `force`.
 */
export const mergeOperation = defineOperation({
  name: 'merge',
  input: mergeInput,
  result: mergeResult,
  run: (ctx, { id, force }): MergeResult => mergeTaskWorktree(ctx.store, id, { force }),
});
