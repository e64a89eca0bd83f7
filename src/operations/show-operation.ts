import * as z from 'zod/mini';
import { parsePlan } from '../core/plan/parse-plan.js';
import type { Plan } from '../core/plan/plan-types.js';
import type { TaskStatus } from '../core/status/task-status.js';
import { MAX_PLAN_BYTES, readTextFile } from '../runtime/store/read-text.js';
import { logTail } from '../runtime/tasks/read-log.js';
import { readTaskResults, type TaskResults } from '../runtime/tasks/task-results.js';
export type {
  TaskExchange,
  TaskResults,
  TaskSummaryFile,
  TaskWorktreeResult,
} from '../runtime/tasks/task-results.js';
import { defineOperation, parseInput, resolveTaskRefs } from './define-operation.js';
import type { OperationContext } from './operation-context.js';
import { taskId } from './task-fields.js';

export const showInput = z.object({
  id: taskId,
  logLines: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(2000))),
  /** Also read what the task produced (summary, questions, usage, worktree): it runs git. */
  results: z.optional(z.boolean()),
});

/**
 * What a task's own page shows beyond its status: the plan as written (items with their
 * markers, notes), the log tail. In-process views render it; the dashboard sends it as JSON.
 */
export interface TaskView {
  status: TaskStatus;
  planFile: string;
  plan: Plan | undefined;
  /** Why the plan could not be read (missing, not text, too large). */
  planProblem: string | undefined;
  /** The plan file does not exist (the worker removed it). */
  planMissing?: boolean;
  logTail: string[];
  /** What the task produced, when asked for (`results: true`). */
  results?: TaskResults;
}

function readTaskView(
  ctx: OperationContext,
  id: string,
  logLines = 10,
  withResults = false,
): TaskView {
  const store = ctx.store;
  const status = store.status(id);
  const files = store.files(id);
  const read = readTextFile(files.plan, MAX_PLAN_BYTES);
  return {
    status,
    planFile: files.plan,
    plan: read.ok ? parsePlan(read.text) : undefined,
    planProblem: read.ok ? undefined : read.problem,
    planMissing: !read.ok && read.missing === true,
    logTail: logLines === 0 ? [] : logTail(files.log, logLines),
    ...(withResults ? { results: readTaskResults(files) } : {}),
  };
}

/** A task with its plan and the last lines of its log (`dispatch status ID`, the task pages). */
export const showOperation = defineOperation({
  name: 'show',
  input: showInput,
  result: undefined,
  run: (ctx, { id, logLines, results }): TaskView => readTaskView(ctx, id, logLines, results),
});

/** The same, synchronously, for views that redraw at once (the terminal view). */
export function showTask(ctx: OperationContext, input: z.input<typeof showInput>): TaskView {
  const { id, logLines, results } = resolveTaskRefs(
    showOperation,
    ctx,
    parseInput(showOperation, input),
  );
  return readTaskView(ctx, id, logLines, results);
}
