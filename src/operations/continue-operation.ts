import * as z from 'zod/mini';
import { continueTask } from '../runtime/tasks/continue-task.js';
import { defineOperation } from './define-operation.js';
import { superviseAlways } from './supervision.js';
import { someText, taskId, taskState } from './task-fields.js';
import { statusJson, taskSummary } from './task-summary.js';

export const continueInput = z.object({
  id: taskId,
  instructions: someText(
    'instructions',
    'What the worker is to do now; it continues its own session when the CLI can resume it',
  ),
  items: z.optional(
    z.array(z.string()).check(z.describe('Plan items to add at the end of the plan, unchecked')),
  ),
});

export const continueResult = z.object({
  id: z.string(),
  attempt: z.number(),
  /**
   * The worker CLI's session that continues (the model keeps everything it read and reasoned);
   * null when a new worker starts with the plan, context.md and the instructions.
   */
  session: z.nullable(z.string()),
  state: taskState,
  task: taskSummary,
});

export type ContinueResult = z.output<typeof continueResult>;

/**
 * Gives a done, failed or cancelled task new instructions (and optionally new plan items): its
 * worker CLI resumes the same session where it can, in the task's worktree if it had one.
 */
export const continueOperation = defineOperation({
  name: 'continue',
  input: continueInput,
  result: continueResult,
  run: async (ctx, { id, instructions, items }): Promise<ContinueResult> => {
    await ctx.prepare();
    const result = continueTask(ctx.store, { id, instructions, items });
    superviseAlways(ctx);
    return {
      id,
      attempt: result.attempt,
      session: result.session ?? null,
      state: result.status.state,
      task: statusJson(result.status),
    };
  },
});

/** "Continuing x (attempt 3): the worker resumes its session …": the same words everywhere. */
export function continuingMessage(result: ContinueResult): string {
  const how =
    result.session !== null
      ? `the worker resumes its session ${result.session}`
      : 'a new worker continues with the plan and context.md';
  return `Continuing ${result.id} (attempt ${result.attempt}): ${how}.`;
}
