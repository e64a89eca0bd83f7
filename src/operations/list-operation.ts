import * as z from 'zod/mini';
import { defineOperation } from './define-operation.js';
import { overviewOrder } from '../core/status/overview-order.js';
import { unmergedOf } from './status-operation.js';
import { superviseIfActive } from './supervision.js';
import { unmergedFlag } from './task-fields.js';
import { statusJson, taskSummary } from './task-summary.js';

export const listTask = z.extend(taskSummary, { unmerged: unmergedFlag });

export type ListTask = z.output<typeof listTask>;

export const listResult = z.object({ tasks: z.array(listTask) });

/**
 * Every task, one summary each, in the order of `dispatch status`: pending questions first, then
 * unfinished tasks, then finished ones (`dispatch list`).
 */
export const listOperation = defineOperation({
  name: 'list',
  input: z.object({}),
  result: listResult,
  run: (ctx): { tasks: ListTask[] } => {
    const statuses = overviewOrder(ctx.store.statuses());
    superviseIfActive(ctx, statuses);
    const unmerged = unmergedOf(statuses);
    return {
      tasks: statuses.map((status) => ({ ...statusJson(status), unmerged: unmerged(status) })),
    };
  },
});
