import type { Config } from '../../core/config/config-types.js';
import type { ModelChoice } from '../../core/config/resolve-model.js';
import type { Plan } from '../../core/plan/plan-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { isUnconstrained, startRunnableTasks } from '../scheduler/start-runnable.js';
import { launchWorker } from '../spawn/launch-worker.js';
import { refuseWhenDayIsSpent } from '../budget/day-usage.js';
import { LockBusyError } from '../lock/file-lock.js';
import type { TaskStore } from '../store/task-store.js';
import { createTaskFolder } from './create-task.js';
import { displayArgv } from './model-fields.js';
import {
  prepareDispatch,
  type DispatchRequest,
  type PreparedDispatch,
} from './prepare-dispatch.js';

export type { DispatchRequest } from './prepare-dispatch.js';

export interface DispatchResult {
  /** task.json as written (for a capability task, as rewritten when it started). */
  meta: TaskMeta;
  plan: Plan;
  choice: ModelChoice;
  status: TaskStatus;
  worktreeVia: 'flag' | 'text' | undefined;
  /** The aliases a capability task may run on. */
  candidates: string[] | undefined;
}

/**
 * Starts what the limits allow now. The task is created and queued whatever happens here: when
 * the scheduler stays busy (hundreds of callers at once) the supervisor starts it in its turn,
 * so a busy lock is never reported as a failure of the work that was done.
 */
function scheduleSoon(store: TaskStore, config: Config): void {
  try {
    startRunnableTasks(store, config);
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
  }
}

/**
 * Creates a prepared task (with its worktree) and starts it when nothing constrains it. Returns
 * whether it waits for the scheduler, which the caller runs once for all the tasks it creates.
 */
function createOne(store: TaskStore, config: Config, prepared: PreparedDispatch) {
  const created = createTaskFolder(store, {
    id: prepared.request.id,
    title: prepared.title,
    planText: prepared.planText,
    fallbackMinutes: config.fallbackMinutes,
    meta: prepared.meta,
    argvFor: (placeholder) => displayArgv(prepared.meta, placeholder),
    worktreeOf: prepared.repository,
    ...(prepared.request.carried ? { carried: prepared.request.carried } : {}),
  });
  const unconstrained = isUnconstrained(created, config);
  if (unconstrained) launchWorker(store, created, 1);
  return { prepared, id: created.id, created, scheduled: !unconstrained };
}

function resultOf(store: TaskStore, one: ReturnType<typeof createOne>): DispatchResult {
  return {
    meta: store.meta(one.id) ?? one.created,
    plan: one.prepared.plan,
    choice: one.prepared.choice,
    status: store.status(one.id),
    worktreeVia: one.prepared.worktreeVia,
    candidates: one.prepared.candidates,
  };
}

/**
 * Creates a prepared task (with its worktree) and starts it unless the scheduler makes it wait.
 * `schedule: false` leaves one that waits to the supervisor's pass (part of a fan-out).
 */
export function createAndStart(
  store: TaskStore,
  config: Config,
  prepared: PreparedDispatch,
  options: { schedule: boolean } = { schedule: true },
): DispatchResult {
  const one = createOne(store, config, prepared);
  if (one.scheduled && options.schedule) scheduleSoon(store, config);
  return resultOf(store, one);
}

/**
 * `dispatch run`: writes the plan and the task folder atomically, starts the worker unless the
 * scheduling rules make it wait, and returns at once.
 */
export function dispatchTask(
  store: TaskStore,
  config: Config,
  request: DispatchRequest,
): DispatchResult {
  const prepared = prepareDispatch(store, config, request);
  refuseWhenDayIsSpent(store, config);
  return createAndStart(store, config, prepared);
}

/**
 * A fan-out: every request is checked first (models, folders, dependencies, repositories), so a
 * mistake in the fifth task stops the run before the first is created. Then each task is created
 * whole, in order (also their order in the queue). The tasks that wait for the scheduler are left
 * to the supervisor, which the caller makes sure runs: its pass spawns through its launcher
 * process while it goes on, where a pass here would fork up to max_parallel workers from this
 * process one after the other before returning. A single task is started here when it may start.
 */
export function dispatchTasks(
  store: TaskStore,
  config: Config,
  requests: DispatchRequest[],
): DispatchResult[] {
  const prepared = requests.map((request) => prepareDispatch(store, config, request));
  refuseWhenDayIsSpent(store, config);
  const created = prepared.map((one) => createOne(store, config, one));
  if (created.length === 1 && created[0]?.scheduled) scheduleSoon(store, config);
  return created.map((one) => resultOf(store, one));
}
