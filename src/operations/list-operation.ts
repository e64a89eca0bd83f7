import * as z from 'zod/mini';
import { defineOperation } from './define-operation.js';
import { superviseIfActive } from './supervision.js';
import { statusJson, taskSummary, type TaskSummary } from './task-summary.js';

export const listResult = z.object({ tasks: z.array(taskSummary) });

/** Every task, in id order, one summary each (`dispatch list`). */
export const listOperation = defineOperation({
  name: 'list',
  input: z.object({}),
  result: listResult,
  run: (ctx): { tasks: TaskSummary[] } => {
    const statuses = ctx.store.statuses();
    superviseIfActive(ctx, statuses);
    return { tasks: statuses.map(statusJson) };
  },
});
