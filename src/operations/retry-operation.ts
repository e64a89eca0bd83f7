import * as z from 'zod/mini';
import { DispatchError } from '../core/errors.js';
import { setDefaultModel } from '../runtime/config-edit.js';
import { retryTask } from '../runtime/tasks/retry-task.js';
import { defineOperation } from './define-operation.js';
import { superviseAlways } from './supervision.js';
import { taskId, taskState } from './task-fields.js';
import { statusJson, taskSummary } from './task-summary.js';

export const retryInput = z.object({
  id: taskId,
  model: z.optional(z.string().check(z.describe('Another model or alias for this attempt'))),
  setDefault: z.optional(
    z.boolean().check(z.describe('Also make that model the default in the config file')),
  ),
});

export const retryResult = z.object({
  id: z.string(),
  attempt: z.number(),
  /** The model the new attempt runs with. */
  model: z.string(),
  state: taskState,
  task: taskSummary,
  /** The config file whose default became the model, when asked to. */
  defaultIn: z.nullable(z.string()),
});

export type RetryResult = z.output<typeof retryResult>;

/**
 * Starts a failed, timed-out, cancelled, blocked or not-started task again where it stopped
 * (done items stay done), optionally with another model, and makes sure a supervisor runs.
 */
export const retryOperation = defineOperation({
  name: 'retry',
  input: retryInput,
  result: retryResult,
  run: async (ctx, { id, model: asked, setDefault }): Promise<RetryResult> => {
    const model = asked?.trim() || undefined;
    if (setDefault && !model) throw new DispatchError('usage', '--set-default needs --model');
    await ctx.prepare();
    const config = ctx.config();
    const file = config.file;
    if (setDefault && !file)
      throw new DispatchError('config', 'there is no config file to change the default in', {
        hint: 'Run `dispatch init` first.',
      });
    const result = await retryTask(ctx.store, config, id, model ? { model } : {});
    superviseAlways(ctx);
    if (setDefault && file) setDefaultModel(file, result.model);
    return {
      id,
      attempt: result.attempt,
      model: result.model,
      state: result.status.state,
      task: statusJson(result.status),
      defaultIn: setDefault && file ? file : null,
    };
  },
});
