import * as z from 'zod/mini';
import { isFailed, isLive } from '../core/status/state-groups.js';
import type { TaskStatus } from '../core/status/task-status.js';
import { overviewOrder } from '../core/status/overview-order.js';
import { summarizeUsage } from '../core/task/task-usage.js';
import type { TaskBudget } from '../core/budget/budget.js';
import type { TaskMeta } from '../core/task/task-meta.js';
import { readRunningUsage } from '../runtime/budget/running-usage.js';
import { queueReport, type QueueReport } from '../runtime/scheduler/queue-report.js';
import { readEvents, readMeta } from '../runtime/store/read-snapshot.js';
import { diagnoseFailure } from '../runtime/tasks/diagnose-failure.js';
import { defineOperation } from './define-operation.js';
import type { OperationContext } from './operation-context.js';
import { superviseIfActive } from './supervision.js';
import { readWorktree } from '../runtime/tasks/task-results.js';
import { branchUnmerged, unmergedBranches } from '../runtime/worktree/unmerged-branches.js';
import {
  failureCause,
  queuePlace,
  taskId,
  unmergedFlag,
  usageSummary,
  worktreeState,
} from './task-fields.js';
import { statusJson, taskSummary } from './task-summary.js';

export type { QueueEntry, QueueReport } from '../runtime/scheduler/queue-report.js';

/** One task in detail: its summary, where it stands in the queue and, after a failure, why. */
export const taskDetail = z.extend(taskSummary, {
  /** For a queued task: its place in the queue and why it waits. */
  queue: z.nullable(queuePlace),
  /** The git worktree the worker runs in, if the task has one, with what it holds (asks git). */
  worktree: z.nullable(worktreeState),
  taskDir: z.string(),
  planFile: z.string(),
  /**
   * The cause recognised in the worker's log: for failed, timed-out or not-started tasks, and for
   * a running worker that keeps retrying a refused or unreachable service.
   */
  cause: z.nullable(failureCause),
  /** Tokens and cost the agent CLI reported, over every attempt. */
  usage: z.nullable(usageSummary),
  /** The task's own budget (`--max-cost`, `--max-tokens`), if it has one (docs/verify.md). */
  budget: z.nullable(
    z.object({ maxCostUsd: z.optional(z.number()), maxTokens: z.optional(z.number()) }),
  ),
  /** For failed, timed-out or not-started tasks: the last lines of the worker's log. */
  logTail: z.nullable(z.array(z.string())),
  /** For failed, timed-out or not-started tasks: other configured models whose CLI is installed. */
  alternatives: z.nullable(z.array(z.string())),
});

export type TaskDetail = z.output<typeof taskDetail>;

/** A task in the overview: its summary and, when queued, its place in the queue. */
export const overviewTask = z.extend(taskSummary, {
  queue: z.nullable(queuePlace),
  unmerged: unmergedFlag,
});

export type OverviewTask = z.output<typeof overviewTask>;

function queuePlaceOf(report: QueueReport | undefined, id: string) {
  const entry = report?.entries.find((e) => e.id === id);
  if (!report || !entry) return null;
  return {
    position: entry.position,
    of: report.entries.length,
    priority: entry.priority,
    reason: entry.reason,
    outlook: entry.outlook,
  };
}

/**
 * For listings: whether each worktree task's branch holds unmerged commits, with one git call
 * per repository (none when no task has a worktree).
 */
export function unmergedOf(
  statuses: readonly TaskStatus[],
): (status: TaskStatus) => boolean | null {
  const worktrees = statuses.flatMap((status) => (status.worktree ? [status.worktree] : []));
  const branches = worktrees.length > 0 ? unmergedBranches(worktrees) : new Map();
  return (status) => (status.worktree ? branchUnmerged(branches, status.worktree) : null);
}

/** One task in detail, as `dispatch status ID --json` and `Dispatcher.status(id)` give it. */
export function describeTask(ctx: OperationContext, status: TaskStatus): TaskDetail {
  const store = ctx.store;
  const files = store.files(status.id);
  // The config is read only when there is a failure to diagnose or a queue to place the task in,
  // so a broken config does not hide the status of a healthy task.
  const diagnosis = isFailed(status.state)
    ? diagnoseFailure(store, ctx.config(), status)
    : undefined;
  const cause = diagnosis?.cause ?? (isLive(status.state) ? status.retrying : undefined);
  const queue = status.state === 'queued' ? queueReport(store, ctx.config()) : undefined;
  return {
    ...statusJson(status),
    queue: queuePlaceOf(queue, status.id),
    worktree: status.worktree ? readWorktree(status.worktree) : null,
    taskDir: files.taskDir,
    planFile: files.plan,
    cause: cause ?? null,
    usage: summarizeUsage(readEvents(files), readRunningUsage(files.usage)) ?? null,
    // A node task's budget is enforced on its node; it is shown here all the same.
    budget: budgetOf(readMeta(files)),
    logTail: diagnosis?.logTail ?? null,
    alternatives: diagnosis?.alternatives ?? null,
  };
}

function budgetOf(meta: TaskMeta | undefined): TaskBudget | null {
  return meta?.budget ?? meta?.queue?.budget ?? null;
}

export const statusInput = z.object({ id: taskId });

/** One task in detail; after a failure also the cause, the log tail and models to retry with. */
export const statusOperation = defineOperation({
  name: 'status',
  input: statusInput,
  result: taskDetail,
  run: async (ctx, { id }): Promise<TaskDetail> => {
    await ctx.prepare();
    const status = ctx.store.status(id);
    superviseIfActive(ctx, [status]);
    return describeTask(ctx, status);
  },
});

export const overviewResult = z.object({
  /** Pending questions first, then unfinished tasks, then finished ones. */
  tasks: z.array(overviewTask),
  /** The queue in start order, when tasks are queued. */
  queue: z.nullable(
    z.object({
      running: z.number(),
      maxParallel: z.nullable(z.number()),
      entries: z.array(z.extend(queuePlace, { id: z.string() })),
    }),
  ),
});

export type Overview = z.output<typeof overviewResult>;

/** Every task with its place in the queue, pending questions first (`dispatch status`). */
export const overviewOperation = defineOperation({
  name: 'status',
  input: z.object({}),
  result: overviewResult,
  run: async (ctx): Promise<Overview> => {
    await ctx.prepare();
    const statuses = overviewOrder(ctx.store.statuses());
    superviseIfActive(ctx, statuses);
    const report = statuses.some((s) => s.state === 'queued')
      ? queueReport(ctx.store, ctx.config())
      : undefined;
    const unmerged = unmergedOf(statuses);
    return {
      tasks: statuses.map((status) => ({
        ...statusJson(status),
        queue: queuePlaceOf(report, status.id),
        unmerged: unmerged(status),
      })),
      queue: report
        ? {
            running: report.running,
            maxParallel: report.maxParallel ?? null,
            entries: report.entries.map((entry) => ({
              id: entry.id,
              ...queuePlaceOf(report, entry.id)!,
            })),
          }
        : null,
    };
  },
});
