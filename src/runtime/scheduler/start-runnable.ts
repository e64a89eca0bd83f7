import type { Config } from '../../core/config/config-types.js';
import { planStarts, type SchedulePlan } from '../../core/schedule/plan-starts.js';
import { nextAttempt } from '../../core/task/task-events.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { boundText } from '../../core/task/bound-text.js';
import { acquireLock, withLock } from '../lock/file-lock.js';
import {
  finishLaunch,
  launchWorker,
  lostSpawnStarted,
  prepareLaunch,
} from '../spawn/launch-worker.js';
import type { LauncherClient } from '../spawn/launcher-client.js';
import { spawnWrapper, type WrapperLaunch } from '../spawn/spawn-wrapper.js';
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
    const { outcome, metas, attempts } = planPass(store, config, cache);
    for (const id of outcome.plan.start) {
      const found = metas.get(id);
      if (!found) continue;
      try {
        const meta = metaToStart(store, config, outcome.plan, found);
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

/**
 * One pass's decisions from every task of the root: what to start, and the tasks whose
 * dependencies can no longer finish, which get their `skipped` event here.
 */
function planPass(store: TaskStore, config: Config, cache: SchedulingCache | undefined) {
  const { tasks, metas, attempts } = schedulableTasks(store, config, cache);
  const plan = planStarts(tasks, scheduleLimits(config));
  const outcome: ScheduleOutcome = { started: [], skipped: [], failed: [], plan };
  for (const [id, reason] of plan.skip) {
    store.appendEvent(id, { type: 'skipped', reason: boundText(reason) });
    outcome.skipped.push(id);
  }
  return { outcome, metas, attempts };
}

/** The task.json a start uses: with the alias the pass assigned it, when that changed. */
function metaToStart(
  store: TaskStore,
  config: Config,
  plan: SchedulePlan,
  meta: TaskMeta,
): TaskMeta {
  const alias = plan.assign.get(meta.id);
  return alias !== undefined && alias !== meta.alias
    ? assignAlias(store, config, meta, alias)
    : meta;
}

/**
 * How long after the launcher died with spawns unanswered their tasks are looked at: a child it
 * had forked but not yet turned into the worker (exec) carries no task marker until it has.
 */
const LOST_SETTLE_MS = 300;

/**
 * The supervisor's pass: as startRunnableTasks, but the spawns go to the launcher process
 * (launcher-client.ts) while the supervisor goes on with its other work, and the scheduler lock
 * is held until every start of the pass is recorded, so no pass of any process sees a start half
 * done. `onStarted` hears of each start as soon as it is recorded.
 */
export async function startRunnableThrough(
  store: TaskStore,
  config: Config,
  launcher: LauncherClient,
  options: { cache?: SchedulingCache; onStarted?: (id: string) => void } = {},
): Promise<ScheduleOutcome> {
  const release = await acquireLock(store.paths.schedulerLock, 10_000);
  try {
    const { outcome, metas, attempts } = planPass(store, config, options.cache);
    const started = (id: string) => {
      outcome.started.push(id);
      options.onStarted?.(id);
    };
    const spawns: Promise<void>[] = [];
    for (const id of outcome.plan.start) {
      const found = metas.get(id);
      if (!found) continue;
      try {
        const meta = metaToStart(store, config, outcome.plan, found);
        const attempt = attempts.get(id) ?? nextAttempt(readEvents(store.files(id)));
        const prepared = prepareLaunch(store, meta, attempt);
        if (!prepared.spawn) {
          if (prepared.result) started(id);
          continue;
        }
        const task = meta;
        spawns.push(
          spawnThrough(launcher, store, task, attempt, prepared.launch).then(
            () => started(id),
            (error: Error) => void outcome.failed.push({ id, error: error.message }),
          ),
        );
      } catch (error) {
        outcome.failed.push({ id, error: (error as Error).message });
      }
    }
    await Promise.all(spawns);
    return outcome;
  } finally {
    release();
  }
}

/**
 * One spawn through the launcher. If the launcher died before answering, the files tell whether
 * the attempt started (a running worker without its record is adopted); one that did not is
 * handed to a new launcher, and after a second loss spawned here. The claim stays this
 * process's throughout, so nobody else starts the attempt meanwhile.
 */
async function spawnThrough(
  launcher: LauncherClient,
  store: TaskStore,
  meta: TaskMeta,
  attempt: number,
  launch: WrapperLaunch,
): Promise<void> {
  for (let tries = 0; tries < 2; tries++) {
    const answer = await launcher.spawn(launch);
    if (answer !== 'lost') {
      finishLaunch(store, meta, attempt, answer);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, LOST_SETTLE_MS));
    if (lostSpawnStarted(store, meta, attempt)) return;
  }
  finishLaunch(store, meta, attempt, spawnWrapper(launch));
}

/**
 * Whether a parallel limit (overall, per task, per alias or backend) applies to the task. One
 * always does to a task on worker nodes: the node-task limit (max_node_tasks).
 */
export function hasSlotLimit(meta: TaskMeta, config: Config): boolean {
  const aliasLimit = meta.alias ? config.aliases[meta.alias]?.maxParallel : undefined;
  const backendLimit = meta.queue ? undefined : config.backends[meta.backend]?.maxParallel;
  return (
    meta.queue !== undefined ||
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
