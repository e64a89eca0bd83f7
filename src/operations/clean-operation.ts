import * as z from 'zod/mini';
import { cleanTasks, DEFAULT_CLEAN_AGE_MS } from '../runtime/tasks/clean-tasks.js';
import { defineOperation } from './define-operation.js';

export const cleanInput = z.object({
  olderThanMinutes: z.optional(
    z
      .number()
      .check(
        z.minimum(0),
        z.describe(
          `Remove tasks that finished at least this many minutes ago (default ${DEFAULT_CLEAN_AGE_MS / 60_000}: 7 days)`,
        ),
      ),
  ),
  allFinished: z.optional(z.boolean().check(z.describe('Every finished task, whatever its age'))),
  dryRun: z.optional(z.boolean().check(z.describe('Say what would be removed; remove nothing'))),
  yes: z.optional(
    z
      .boolean()
      .check(
        z.describe(
          'Also drop worktrees that hold uncommitted or unmerged work. Only after the user said so',
        ),
      ),
  ),
});

const cleanedTask = z.object({
  id: z.string(),
  state: z.string(),
  endedAt: z.nullable(z.string()),
  worktree: z.nullable(
    z.object({
      path: z.string(),
      branch: z.string(),
      uncommitted: z.number(),
      unmerged: z.number(),
    }),
  ),
});

export const cleanResult = z.object({
  dryRun: z.boolean(),
  removed: z.array(cleanedTask),
  kept: z.array(z.object({ id: z.string(), reason: z.string() })),
});

export type CleanResult = z.output<typeof cleanResult>;

/**
 * `dispatch clean`: removes finished tasks (done, failed, timed out, cancelled, not started; no
 * worker left running) older than the cut-off, with their worktrees and branches; never one that
 * runs, waits or is queued. Work found nowhere else is dropped only when asked and agreed, or `yes`.
 */
export const cleanOperation = defineOperation({
  name: 'clean',
  input: cleanInput,
  result: cleanResult,
  run: (ctx, input, { confirm }): Promise<CleanResult> =>
    cleanTasks(ctx.store, {
      olderThanMs:
        input.olderThanMinutes === undefined ? undefined : input.olderThanMinutes * 60_000,
      allFinished: input.allFinished,
      dryRun: input.dryRun,
      yes: input.yes,
      confirm,
    }),
});
