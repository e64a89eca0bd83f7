import * as z from 'zod/mini';
import { defineOperation } from './define-operation.js';
import { superviseIfActive } from './supervision.js';

export const superviseInput = z.object({
  /** Only these tasks count (each must exist); default: every task. */
  ids: z.optional(z.array(z.string())),
  /** Make the `.dispatch/` root first, for views that watch it before the first task. */
  createRoot: z.optional(z.boolean()),
});

/**
 * What a live view does when it opens: checks the tasks it will show exist, and brings back a
 * supervisor when active tasks have none (after a crash), so what it shows keeps moving.
 */
export const superviseOperation = defineOperation({
  name: 'watch',
  input: superviseInput,
  result: z.object({ tasks: z.number() }),
  run: (ctx, { ids, createRoot }) => {
    const store = ctx.store;
    if (createRoot) store.ensureRoot();
    const wanted = ids && ids.length > 0 ? ids : undefined;
    for (const id of wanted ?? []) store.require(id);
    const statuses = wanted ? wanted.map((id) => store.status(id)) : store.statuses();
    superviseIfActive(ctx, statuses);
    return { tasks: statuses.length };
  },
});
