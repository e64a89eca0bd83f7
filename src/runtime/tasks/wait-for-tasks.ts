import { DispatchError } from '../../core/errors.js';
import { TERMINAL_STATES, hasQuestion } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { CollectWhenQuiet } from '../process/collect-when-quiet.js';
import { LivenessCheck } from '../process/liveness-check.js';
import { supervisorState } from '../supervisor/ensure-supervisor.js';
import type { TaskStore } from '../store/task-store.js';
import { TasksWatcher } from '../watch/tasks-watcher.js';
import { waitUntil } from '../watch/wait-until.js';

export interface WaitOptions {
  /** Tasks to wait for; every task that is not finished yet when absent. */
  ids?: string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How often to check that running workers still exist (a killed wrapper leaves no file). */
  livenessMs?: number;
  /** Every task's status, when the caller has just read them (TaskStore.statuses). */
  statuses?: TaskStatus[];
}

export type WaitOutcome =
  | { kind: 'attention'; tasks: TaskStatus[] }
  | { kind: 'timeout'; tasks: TaskStatus[] }
  | { kind: 'idle'; tasks: TaskStatus[] }
  /** A watched task's folder was removed while waiting: nothing will ever finish it. */
  | { kind: 'removed'; tasks: TaskStatus[]; removed: string[] };

/** How long a wait goes without file events before it collects its garbage (CollectWhenQuiet). */
const QUIET_MS = 100;

/**
 * Resolves as soon as something needs the user: a pending question on any watched task, or a
 * watched task that finished, failed or stopped (for a run of a best-of group, once every watched
 * run of the group has). Driven by file events, not by polling.
 */
export async function waitForAttention(
  store: TaskStore,
  options: WaitOptions = {},
): Promise<WaitOutcome> {
  const explicit = options.ids && options.ids.length > 0;
  if (explicit) for (const id of options.ids ?? []) store.require(id);
  const statuses = new Map<string, TaskStatus>();
  if (explicit) {
    for (const id of options.ids ?? []) {
      try {
        statuses.set(id, store.status(id));
      } catch {
        // vanished
      }
    }
  } else {
    // Finished tasks come from the status index: 10,000 of them are not read again.
    for (const status of options.statuses ?? store.statuses()) statuses.set(status.id, status);
  }
  // Without ids: the tasks still unfinished now, plus any that appear while waiting.
  const watched = new Set(
    explicit
      ? statuses.keys()
      : [...statuses.values()].filter((s) => !TERMINAL_STATES.has(s.state)).map((s) => s.id),
  );

  // The runs of a best-of group are compared together: one that finished waits for the others.
  const groupSettled = (status: TaskStatus): boolean =>
    status.bestOf === undefined ||
    [...statuses.values()].every(
      (other) =>
        !watched.has(other.id) ||
        other.bestOf?.group !== status.bestOf?.group ||
        TERMINAL_STATES.has(other.state),
    );
  const attention = (): TaskStatus[] =>
    [...statuses.values()].filter(
      (status) =>
        hasQuestion(status.state) ||
        (watched.has(status.id) && TERMINAL_STATES.has(status.state) && groupSettled(status)),
    );

  const initial = attention();
  if (initial.length > 0) return { kind: 'attention', tasks: initial };
  if (!explicit && watched.size === 0) return { kind: 'idle', tasks: [] };

  const removed: string[] = [];
  const refresh = (id: string) => {
    const before = statuses.get(id);
    let now: TaskStatus | undefined;
    try {
      now = store.status(id);
    } catch {
      now = undefined;
    }
    // A folder being removed reads as gone, or (caught halfway) as one without its task.json.
    if (!now || !store.exists(id) || (before && !before.legacy && now.legacy)) {
      statuses.delete(id);
      if (watched.has(id) && !removed.includes(id)) removed.push(id);
      return;
    }
    statuses.set(id, now);
  };
  const watchedTasks = () => [...statuses.values()].filter((s) => watched.has(s.id));
  let result;
  try {
    result = await waitUntil(
      (): TaskStatus[] | 'removed' | undefined => {
        if (removed.length > 0) return 'removed';
        const tasks = attention();
        return tasks.length > 0 ? tasks : undefined;
      },
      {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        wake: (wake) => {
          const watcher = new TasksWatcher(store.paths.tasks, explicit ? { ids: options.ids } : {});
          // Reading every task leaves garbage that an armed wait, idle for hours, never collects.
          const quiet = new CollectWhenQuiet(QUIET_MS);
          watcher.on('change', ({ id }) => {
            refresh(id);
            quiet.activity();
            wake();
          });
          watcher.on('added', (id) => {
            if (!explicit) watched.add(id);
            refresh(id);
            quiet.activity();
            wake();
          });
          // Finished tasks that are not waited for cost no watches (10,000 of them would exhaust
          // the user's inotify limit); a new attempt of one shows in tasks/ and is watched again.
          const finished = (id: string) => {
            const state = statuses.get(id)?.state;
            return !watched.has(id) && state !== undefined && TERMINAL_STATES.has(state);
          };
          watcher.start((id) => {
            if (finished(id)) watcher.release(id);
          });
          // Nothing is asked of them any more (they have no question, and are no run waited for).
          for (const id of [...statuses.keys()]) if (finished(id)) statuses.delete(id);
          // Events between the first read and the watch starting would be missed: read once more.
          for (const id of watched) refresh(id);
          quiet.activity();
          const liveness = new LivenessCheck(
            () => statuses.values(),
            (id) => {
              refresh(id);
              wake();
            },
            {
              intervalMs: options.livenessMs ?? 1000,
              supervised: () => supervisorState(store).running,
            },
          ).start();
          return () => {
            liveness.stop();
            quiet.stop();
            // Closing the watches takes ~0.05 ms each (100 ms for 1,000 tasks): the caller gets its
            // answer first, and a CLI that exits right after lets the kernel drop them all at once.
            // An event until then only refreshes a status: the wait is already settled.
            setImmediate(() => watcher.close());
          };
        },
      },
    );
  } catch (error) {
    if (options.signal?.aborted) throw new DispatchError('timeout', 'wait was interrupted');
    throw error;
  }
  if (result.kind === 'ready')
    return result.value === 'removed'
      ? { kind: 'removed', removed, tasks: watchedTasks() }
      : { kind: 'attention', tasks: result.value };
  return { kind: 'timeout', tasks: watchedTasks() };
}
