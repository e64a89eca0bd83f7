import type { Config } from '../../core/config/config-types.js';
import { planStarts, type SchedulePlan } from '../../core/schedule/plan-starts.js';
import { nextAttempt } from '../../core/task/task-events.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { boundText } from '../../core/task/bound-text.js';
import { withLock } from '../lock/file-lock.js';
import { launchWorker } from '../spawn/launch-worker.js';
import { readEvents } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';
import { assignAlias } from './assign-alias.js';
import { scheduleLimits, schedulableTasks } from './schedulable-tasks.js';
import type { SchedulingCache } from './scheduling-cache.js';

export interface ScheduleOutcome {
  started: string[];
  skipped: string[];
  failed: { id: string; error: string }[];
  plan: SchedulePlan;
}

/**
 * Starts every queued task the scheduling rules allow, under the root's scheduler lock so that
 * separate `dispatch run` processes and the supervisor never exceed a limit together. Tasks whose
 * dependencies can no longer finish get a `skipped` event (state not-started, with the reason).
 * A long-lived caller passes its cache of unchanged tasks (see SchedulingCache).
 */
export function startRunnableTasks(
  store: TaskStore,
  config: Config,
  cache?: SchedulingCache,
): ScheduleOutcome {
  return withLock(store.paths.schedulerLock, 10_000, () => {
    const { tasks, metas, attempts } = schedulableTasks(store, config, cache);
    const plan = planStarts(tasks, scheduleLimits(config));
    const outcome: ScheduleOutcome = { started: [], skipped: [], failed: [], plan };
    for (const [id, reason] of plan.skip) {
      store.appendEvent(id, { type: 'skipped', reason: boundText(reason) });
      outcome.skipped.push(id);
    }
    for (const id of plan.start) {
      let meta = metas.get(id);
      if (!meta) continue;
      try {
        const alias = plan.assign.get(id);
        if (alias !== undefined && alias !== meta.alias)
          meta = assignAlias(store, config, meta, alias);
        // Undefined: another process (a `dispatch run`, a resume) is starting it right now.
        if (launchWorker(store, meta, attempts.get(id) ?? nextAttempt(readEvents(store.files(id)))))
          outcome.started.push(id);
      } catch (error) {
        outcome.failed.push({ id, error: (error as Error).message });
      }
    }
    return outcome;
  });
}

/** Whether a parallel limit (overall, per task or per alias) applies to the task. */
export function hasSlotLimit(meta: TaskMeta, config: Config): boolean {
  const aliasLimit = meta.alias ? config.aliases[meta.alias]?.maxParallel : undefined;
  const backendLimit = meta.queue ? undefined : config.backends[meta.backend]?.maxParallel;
  return (
    config.maxParallel !== undefined ||
    meta.maxParallel !== undefined ||
    aliasLimit !== undefined ||
    backendLimit !== undefined
  );
}

/** Whether a queued task can start without looking at any other task. */
export function isUnconstrained(meta: TaskMeta, config: Config): boolean {
  return !hasSlotLimit(meta, config) && meta.after.length === 0 && meta.capability === undefined;
}
