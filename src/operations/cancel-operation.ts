import * as z from 'zod/mini';
import { cancelTask } from '../runtime/tasks/cancel-task.js';
import { defineOperation } from './define-operation.js';
import { taskId, taskState } from './task-fields.js';
import { statusJson, taskSummary } from './task-summary.js';

export const cancelInput = z.object({
  id: taskId,
  reason: z.optional(z.string().check(z.describe('Why, kept in the task history'))),
});

export const cancelResult = z.object({
  id: z.string(),
  state: taskState,
  /** The worker ignored SIGTERM and had to be killed. */
  killed: z.boolean(),
  /**
   * Processes of the task found outside the worker's process group (a tool command in a group of
   * its own, a daemon) and stopped; recorded in the history as `processes-stopped`.
   */
  leftovers: z.number(),
  /**
   * A task on a worker node whose relay was not running: the cancel was sent to the node from
   * here, or could not reach it (and why).
   */
  node: z.optional(z.string()),
  task: taskSummary,
});

export type CancelResult = z.output<typeof cancelResult>;

/** Stops the worker and everything it started (SIGTERM, then SIGKILL); the task's files stay. */
export const cancelOperation = defineOperation({
  name: 'cancel',
  input: cancelInput,
  result: cancelResult,
  run: async (ctx, { id, reason }): Promise<CancelResult> => {
    const result = await cancelTask(ctx.store, id, { by: ctx.by, reason });
    return {
      id,
      state: result.status.state,
      killed: result.killed,
      leftovers: result.leftovers,
      ...(result.node !== undefined ? { node: result.node } : {}),
      task: statusJson(result.status),
    };
  },
});
