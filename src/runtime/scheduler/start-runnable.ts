import type { Config } from '../../core/config/config-types.js';
import {
  planStarts,
  type SchedulableTask,
  type SchedulePlan,
} from '../../core/schedule/plan-starts.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { withLock } from '../lock/file-lock.js';
import { launchWorker } from '../spawn/launch-worker.js';
import { readMeta, readTaskStatus } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';

export interface ScheduleOutcome {
  started: string[];
  skipped: string[];
  failed: { id: string; error: string }[];
  plan: SchedulePlan;
}

export function schedulableTasks(store: TaskStore): {
  tasks: SchedulableTask[];
  metas: Map<string, TaskMeta>;
} {
  const tasks: SchedulableTask[] = [];
  const metas = new Map<string, TaskMeta>();
  for (const id of store.listIds()) {
    const files = store.files(id);
    const meta = readMeta(files);
    let status;
    try {
      status = readTaskStatus(id, files);
    } catch {
      continue;
    }
    if (meta) metas.set(id, meta);
    tasks.push({
      id,
      state: status.state,
      priority: meta?.priority ?? 'normal',
      createdAt: meta?.createdAt ?? status.createdAt ?? '',
      after: meta?.after ?? [],
      maxParallel: meta?.maxParallel,
      alias: meta?.alias,
    });
  }
  return { tasks, metas };
}

export function scheduleLimits(config: Config) {
  return {
    maxParallel: config.maxParallel,
    aliasMaxParallel: Object.fromEntries(
      Object.values(config.aliases).map((alias) => [alias.name, alias.maxParallel]),
    ),
  };
}

/** The next attempt number of a task: one more than any attempt it had. */
export function nextAttempt(store: TaskStore, id: string): number {
  const events = store.snapshot(id).events;
  let max = 0;
  for (const event of events)
    if ('attempt' in event && typeof event.attempt === 'number') max = Math.max(max, event.attempt);
  return max + 1;
}

/**
 * Starts every queued task the scheduling rules allow, under the root's scheduler lock so that
 * separate `dispatch run` processes and the supervisor never exceed a limit together.
 */
export function startRunnableTasks(store: TaskStore, config: Config): ScheduleOutcome {
  return withLock(store.paths.schedulerLock, 10_000, () => {
    const { tasks, metas } = schedulableTasks(store);
    const plan = planStarts(tasks, scheduleLimits(config));
    const outcome: ScheduleOutcome = { started: [], skipped: [], failed: [], plan };
    for (const [id, reason] of plan.skip) {
      store.appendEvent(id, { type: 'skipped', reason });
      outcome.skipped.push(id);
    }
    for (const id of plan.start) {
      const meta = metas.get(id);
      if (!meta) continue;
      try {
        launchWorker(store, meta, nextAttempt(store, id));
        outcome.started.push(id);
      } catch (error) {
        outcome.failed.push({ id, error: (error as Error).message });
      }
    }
    return outcome;
  });
}

/** Whether a queued task can start without looking at any other task. */
export function isUnconstrained(meta: TaskMeta, config: Config): boolean {
  const aliasLimit = meta.alias ? config.aliases[meta.alias]?.maxParallel : undefined;
  return (
    config.maxParallel === undefined &&
    meta.maxParallel === undefined &&
    meta.after.length === 0 &&
    aliasLimit === undefined
  );
}
