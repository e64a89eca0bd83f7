import * as z from 'zod/mini';
import { readEvents } from '../runtime/store/read-snapshot.js';
import { readExchanges, readSummary } from '../runtime/tasks/task-results.js';
import { defineOperation } from './define-operation.js';
import { describeTask, taskDetail } from './status-operation.js';
import { superviseIfActive } from './supervision.js';
import { taskId } from './task-fields.js';

/** The worker's summary, `output.md`. */
export const summaryFile = z.object({
  path: z.string(),
  /** Null when there is none yet, or it cannot be shown (see `problem`). */
  text: z.nullable(z.string()),
  /** The file was longer than 64 KiB: `text` is its start. */
  truncated: z.boolean(),
  /** Why an output.md that exists cannot be shown (binary, not UTF-8, unreadable). */
  problem: z.nullable(z.string()),
});

/** One question of the task and what became of it, oldest first. */
export const exchange = z.object({
  /** Null for a question a worker that gave up left in the plan. */
  seq: z.nullable(z.number()),
  question: z.nullable(z.string()),
  answer: z.nullable(z.string()),
  askedAt: z.nullable(z.string()),
  answeredAt: z.nullable(z.string()),
  /** Who answered: cli, api, mcp, dashboard, … */
  answeredBy: z.nullable(z.string()),
});

/**
 * What a task produced, with its status in detail: the summary the worker wrote, every question
 * with its answer, and (in the detail) the usage and, for a worktree task, its branch and what it
 * holds. `dispatch show ID --json`, `Dispatcher.show(id)` and `dispatch_show` give this shape.
 */
export const taskResultsView = z.extend(taskDetail, {
  summary: summaryFile,
  exchanges: z.array(exchange),
});

export type TaskResultsView = z.output<typeof taskResultsView>;

export const taskResultsInput = z.object({ id: taskId });

/** A task's results: its summary (`output.md`), questions and answers, usage and worktree. */
export const taskResultsOperation = defineOperation({
  name: 'show',
  input: taskResultsInput,
  result: taskResultsView,
  run: async (ctx, { id }): Promise<TaskResultsView> => {
    await ctx.prepare();
    const status = ctx.store.status(id);
    superviseIfActive(ctx, [status]);
    const files = ctx.store.files(id);
    return {
      ...describeTask(ctx, status),
      summary: readSummary(files),
      exchanges: readExchanges(files, readEvents(files)),
    };
  },
});
