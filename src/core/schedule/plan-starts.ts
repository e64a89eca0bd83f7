import { isLive, isUnsuccessful } from '../status/state-groups.js';
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
  /** The backend that runs it, for the backend's own parallel limit. */
  backend?: string;
  /** Sent to worker nodes: followed by a local relay process, under the node-task limit. */
  onNode?: boolean;
  /**
   * For a task dispatched by capability that has not started yet: the aliases that can run it,
   * in order of preference. The first with a free slot is assigned when it starts.
   */
  candidates?: string[];
  /** The capability asked for, for the wait reason. */
  capability?: string;
  /** Why a queued task may not start yet whatever the slots (a retry's backoff), in words. */
  held?: string;
}

export interface ScheduleLimits {
  maxParallel: number | undefined;
  aliasMaxParallel: Record<string, number | undefined>;
  /** Per backend name (claude backends have a default: docs/backends.md). */
  backendMaxParallel?: Record<string, number | undefined>;
  /** Tasks on worker nodes at once (`max_node_tasks`); each has a relay process here. */
  maxNodeTasks?: number;
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
  /** The alias chosen for each capability task in `start`. */
  assign: Map<string, string>;
}

const PRIORITY_RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 };

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
 * root's, the task's, its alias's, its backend's and (on worker nodes) the node-task limits allow,
 * once every dependency is done. A task dispatched by capability takes the first of its candidate
 * aliases with a free slot. Pure: the runtime applies the plan under the scheduler lock.
 */
export function planStarts(
  tasks: readonly SchedulableTask[],
  limits: ScheduleLimits,
): SchedulePlan {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const skip = fatalBlockers(tasks, byId);
  let running = tasks.filter((task) => isLive(task.state)).length;
  const runningByAlias = new Map<string, number>();
  for (const task of tasks) {
    if (isLive(task.state) && task.alias)
      runningByAlias.set(task.alias, (runningByAlias.get(task.alias) ?? 0) + 1);
  }
  const runningByBackend = new Map<string, number>();
  for (const task of tasks) {
    if (isLive(task.state) && task.backend)
      runningByBackend.set(task.backend, (runningByBackend.get(task.backend) ?? 0) + 1);
  }
  let onNodes = tasks.filter((task) => isLive(task.state) && task.onNode).length;
  const backendLimit = (backend: string | undefined) =>
    backend === undefined ? undefined : limits.backendMaxParallel?.[backend];
  const aliasFree = (alias: string) => {
    const limit = limits.aliasMaxParallel[alias];
    return limit === undefined || (runningByAlias.get(alias) ?? 0) < limit;
  };
  const plan: SchedulePlan = {
    start: [],
    waiting: new Map(),
    skip,
    order: [],
    assign: new Map(),
  };
  for (const task of queueOrder(tasks)) {
    plan.order.push(task.id);
    if (skip.has(task.id)) continue;
    if (task.held !== undefined) {
      plan.waiting.set(task.id, task.held);
      continue;
    }
    const pending = task.after.filter((dep) => byId.get(dep)?.state !== 'done');
    if (pending.length > 0) {
      plan.waiting.set(task.id, `waiting for ${pending.join(', ')} to finish`);
      continue;
    }
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
    if (task.onNode && limits.maxNodeTasks !== undefined && onNodes >= limits.maxNodeTasks) {
      plan.waiting.set(
        task.id,
        `all ${limits.maxNodeTasks} node-task slots busy (max_node_tasks: each is followed by a relay process here)`,
      );
      continue;
    }
    const perBackend = backendLimit(task.backend);
    if (perBackend !== undefined && (runningByBackend.get(task.backend ?? '') ?? 0) >= perBackend) {
      plan.waiting.set(task.id, `all ${perBackend} slots of backend ${task.backend} busy`);
      continue;
    }
    let alias = task.alias;
    if (task.candidates) {
      alias = task.candidates.find(aliasFree);
      if (alias === undefined) {
        plan.waiting.set(task.id, candidatesBusy(task, limits));
        continue;
      }
      plan.assign.set(task.id, alias);
    } else if (alias !== undefined && !aliasFree(alias)) {
      plan.waiting.set(task.id, `all ${limits.aliasMaxParallel[alias]} slots of ${alias} busy`);
      continue;
    }
    plan.start.push(task.id);
    running++;
    if (task.onNode) onNodes++;
    if (alias !== undefined) runningByAlias.set(alias, (runningByAlias.get(alias) ?? 0) + 1);
    if (task.backend !== undefined)
      runningByBackend.set(task.backend, (runningByBackend.get(task.backend) ?? 0) + 1);
  }
  return plan;
}

function candidatesBusy(task: SchedulableTask, limits: ScheduleLimits): string {
  const capability = task.capability ? `capability ${task.capability}` : 'its capability';
  if (!task.candidates || task.candidates.length === 0)
    return `no configured alias has ${capability}; add it to an alias's capabilities or cancel the task`;
  const slots = task.candidates.map((alias) => `${alias} (${limits.aliasMaxParallel[alias]})`);
  return `all slots of ${slots.join(', ')} busy (${capability})`;
}

/**
 * Queued tasks that can never start, with the reason: a dependency that does not exist or ended
 * without finishing, also through a chain (a task after one that is skipped now is skipped too).
 */
function fatalBlockers(
  tasks: readonly SchedulableTask[],
  byId: Map<string, SchedulableTask>,
): Map<string, string> {
  const skip = new Map<string, string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const task of tasks) {
      if (task.state !== 'queued' || skip.has(task.id)) continue;
      for (const dep of task.after) {
        const other = byId.get(dep);
        let reason: string | undefined;
        if (!other) reason = `dependency ${dep} does not exist`;
        else if (isUnsuccessful(other.state)) reason = `dependency ${dep} ended ${other.state}`;
        else if (skip.has(dep)) reason = `dependency ${dep} will not start`;
        if (reason !== undefined) {
          skip.set(task.id, reason);
          changed = true;
          break;
        }
      }
    }
  }
  return skip;
}
