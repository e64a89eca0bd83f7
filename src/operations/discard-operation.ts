import * as z from 'zod/mini';
import { discardTaskWorktree } from '../runtime/worktree/discard-worktree.js';
import { defineOperation } from './define-operation.js';
import { taskId } from './task-fields.js';

export const discardInput = z.object({
  id: taskId,
  yes: z.optional(
    z
      .boolean()
      .check(
        z.describe(
          'Delete even uncommitted or unmerged work. Only after the user said so: it exists nowhere else',
        ),
      ),
  ),
});

export const discardResult = z.object({
  id: z.string(),
  branch: z.string(),
  path: z.string(),
  /** What was deleted that existed nowhere else. */
  lost: z.object({ uncommitted: z.number(), unmerged: z.number() }),
  /**
   * A task that ran on a worker node: the branch the node pushed, deleted on the repository's
   * remote, or still there and why.
   */
  remote: z.nullable(
    z.object({ url: z.string(), deleted: z.boolean(), error: z.nullable(z.string()) }),
  ),
});

export type DiscardResult = z.output<typeof discardResult>;

/**
 * Removes a worktree task's worktree and branch (`dispatch discard`), for a task that ran on a
 * worker node its branch here and on the repository's remote; the task folder stays.
 * When they hold work that exists nowhere else it asks (given someone to ask) or refuses,
 * unless `yes` is set.
 */
export const discardOperation = defineOperation({
  name: 'discard',
  input: discardInput,
  result: discardResult,
  run: (ctx, { id, yes }, { confirm }): Promise<DiscardResult> =>
    discardTaskWorktree(ctx.store, id, { yes, confirm }),
});
