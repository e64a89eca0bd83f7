import type { TaskState } from '../status/task-status.js';
import type { Priority } from '../task/task-meta.js';

/** What the scheduler needs to know of one task. */
export interface SchedulableTask {
  id: string;
  state: TaskState;
  priority: Priority;
  createdAt: string;
  after: string[];
  /** Start only while fewer than this many tasks of the root run. */
  maxParallel: number | undefined;
  /** The alias the model was chosen through, for the alias's own parallel limit. */
  alias: string | undefined;
}

export interface ScheduleLimits {
  maxParallel: number | undefined;
  aliasMaxParallel: Record<string, number | undefined>;
}

export interface SchedulePlan {
  /** Queued tasks to start now, in order. */
  start: string[];
  /** Queued tasks that must keep waiting, with the reason in words. */
  waiting: Map<string, string>;
  /** Queued tasks that will never start because a dependency failed, with the reason. */
  skip: Map<string, string>;
  /** Queue order of every queued task (start first). */
  order: string[];
}

const PRIORITY_RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 };
const RUNNING: ReadonlySet<TaskState> = new Set(['running', 'waiting']);
const FAILED: ReadonlySet<TaskState> = new Set(['failed', 'cancelled', 'timed-out', 'not-started']);

export function queueOrder(tasks: readonly SchedulableTask[]): SchedulableTask[] {
  return tasks
    .filter((task) => task.state === 'queued')
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        a.createdAt.localeCompare(b.createdAt) ||
        a.id.localeCompare(b.id),
    );
}

/**
 * Decides which queued tasks start now: by priority, then first come first served, while the
 * root's, the task's and its alias's parallel limits allow, once every dependency is done.
 * Pure: the runtime applies the plan under the scheduler lock.
 */
export function planStarts(
  tasks: readonly SchedulableTask[],
  limits: ScheduleLimits,
): SchedulePlan {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  let running = tasks.filter((task) => RUNNING.has(task.state)).length;
  const runningByAlias = new Map<string, number>();
  for (const task of tasks) {
    if (RUNNING.has(task.state) && task.alias)
      runningByAlias.set(task.alias, (runningByAlias.get(task.alias) ?? 0) + 1);
  }
  const plan: SchedulePlan = { start: [], waiting: new Map(), skip: new Map(), order: [] };
  for (const task of queueOrder(tasks)) {
    plan.order.push(task.id);
    const blocker = dependencyBlocker(task, byId);
    if (blocker?.fatal) {
      plan.skip.set(task.id, blocker.reason);
      continue;
    }
    if (blocker) {
      plan.waiting.set(task.id, blocker.reason);
      continue;
    }
    const aliasRunning = task.alias ? (runningByAlias.get(task.alias) ?? 0) : 0;
    if (limits.maxParallel !== undefined && running >= limits.maxParallel) {
      plan.waiting.set(task.id, `all ${limits.maxParallel} slots busy (max_parallel)`);
      continue;
    }
    if (task.maxParallel !== undefined && running >= task.maxParallel) {
      plan.waiting.set(
        task.id,
        `${running} tasks running; this one starts below ${task.maxParallel} (--max-parallel)`,
      );
      continue;
    }
    const aliasLimit = task.alias ? limits.aliasMaxParallel[task.alias] : undefined;
    if (aliasLimit !== undefined && aliasRunning >= aliasLimit) {
      plan.waiting.set(task.id, `all ${aliasLimit} slots of ${task.alias} busy`);
      continue;
    }
    plan.start.push(task.id);
    running++;
    if (task.alias) runningByAlias.set(task.alias, aliasRunning + 1);
  }
  return plan;
}

function dependencyBlocker(
  task: SchedulableTask,
  byId: Map<string, SchedulableTask>,
): { reason: string; fatal: boolean } | undefined {
  for (const dep of task.after) {
    const other = byId.get(dep);
    if (!other) return { reason: `dependency ${dep} does not exist`, fatal: true };
    if (FAILED.has(other.state))
      return { reason: `dependency ${dep} ended ${other.state}`, fatal: true };
  }
  const pending = task.after.filter((dep) => byId.get(dep)?.state !== 'done');
  if (pending.length > 0)
    return { reason: `waiting for ${pending.join(', ')} to finish`, fatal: false };
  return undefined;
}
