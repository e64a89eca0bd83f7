import type { Config } from '../../core/config/config-types.js';
import { aliasesWithCapability } from '../../core/schedule/capability-aliases.js';
import type { ScheduleLimits, SchedulableTask } from '../../core/schedule/plan-starts.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import { readTaskSnapshot } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';
import { SchedulingCache, type TaskReading } from './scheduling-cache.js';

/*
 * What the scheduler decides from: every task of a root as the scheduling rules see it. Apart
 * from starting workers (start-runnable.ts), so that a reader such as the queue report in
 * `dispatch status` does not load the spawning code.
 */

/** How long the writer of a `resumed` event has to start that attempt before it counts as lost. */
const RESUME_GRACE_MS = 60_000;

interface PendingResume {
  attempt: number;
  /** Its writer is starting it right now: it takes a slot, and nobody else starts it. */
  starting: boolean;
  /** A transient failure's retry, not to start before this time (ms since the epoch). */
  notBeforeMs?: number;
}

/**
 * A task whose latest attempt was announced by a `resumed` event (an answer after the fallback, a
 * retry) and has not started yet. Without a parallel limit the writer of that event starts it
 * itself: the scheduler must not start it a second time, and it already takes a slot; only if the
 * writer died before starting it (no `spawned` within a minute) does the scheduler start it. Under
 * a limit the attempt is `queued` and the scheduler starts it like any queued task.
 */
function pendingResume(events: TaskEvent[]): PendingResume | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.type === 'resumed')
      return {
        attempt: event.attempt,
        starting: !event.queued && Date.now() - Date.parse(event.time) < RESUME_GRACE_MS,
        ...(event.notBefore !== undefined ? { notBeforeMs: Date.parse(event.notBefore) } : {}),
      };
    if (event?.type === 'queued' || event?.type === 'spawned') return undefined;
  }
  return undefined;
}

export interface SchedulableSet {
  tasks: SchedulableTask[];
  metas: Map<string, TaskMeta>;
  /** The attempt a queued task starts as, when not simply the next one (a lost resume). */
  attempts: Map<string, number>;
}

/** Reads one task for a pass, or takes the cache's reading of it while its files are unchanged. */
function readForPass(
  store: TaskStore,
  id: string,
  cache: SchedulingCache | undefined,
): TaskReading | undefined {
  const files = store.files(id);
  const kept = cache?.reading(id, files);
  if (kept) return kept;
  const stamp = cache ? SchedulingCache.stamp(files) : '';
  let snapshot;
  try {
    snapshot = readTaskSnapshot(id, files, store.env);
  } catch {
    return undefined;
  }
  const status = deriveStatus(snapshot);
  const reading = {
    meta: snapshot.meta,
    state: status.state,
    createdAt: status.createdAt,
    events: snapshot.events,
  };
  cache?.keep(id, stamp, reading);
  return reading;
}

/**
 * Every task of the root as the scheduling rules see it. A long-lived caller passes a cache so
 * that tasks which have not changed since its last pass are not read again.
 */
export function schedulableTasks(
  store: TaskStore,
  config?: Config,
  cache?: SchedulingCache,
): SchedulableSet {
  const tasks: SchedulableTask[] = [];
  const metas = new Map<string, TaskMeta>();
  const attempts = new Map<string, number>();
  const ids = store.listIds();
  cache?.retain(new Set(ids));
  for (const id of ids) {
    const reading = readForPass(store, id, cache);
    if (!reading) continue;
    const { meta, state } = reading;
    if (meta) metas.set(id, meta);
    const events = state === 'queued' ? reading.events : [];
    const neverStarted = !events.some((event) => event.type === 'spawned');
    // A task on a queue of worker nodes leaves its capability to the nodes that offer it.
    const byCapability =
      meta?.capability !== undefined && !meta.queue && neverStarted && config !== undefined;
    const resume = pendingResume(events);
    if (resume && !resume.starting) attempts.set(id, resume.attempt);
    const held =
      resume?.notBeforeMs !== undefined && resume.notBeforeMs > Date.now()
        ? 'a transient failure is retried after a backoff'
        : undefined;
    tasks.push({
      id,
      state: resume?.starting ? 'running' : state,
      ...(held ? { held } : {}),
      priority: meta?.priority ?? 'normal',
      createdAt: meta?.createdAt ?? reading.createdAt ?? '',
      // A new attempt waits only for a slot: its dependencies were met (or overridden by a retry).
      after: resume ? [] : (meta?.after ?? []),
      maxParallel: meta?.maxParallel,
      alias: meta?.alias,
      // A task on a queue of worker nodes runs on a node, under the node's own limits.
      ...(meta?.backend !== undefined && !meta.queue ? { backend: meta.backend } : {}),
      ...(meta?.queue ? { onNode: true } : {}),
      ...(byCapability && meta?.capability
        ? {
            capability: meta.capability,
            candidates: aliasesWithCapability(config, meta.capability),
          }
        : {}),
    });
  }
  return { tasks, metas, attempts };
}

export function scheduleLimits(config: Config): ScheduleLimits {
  return {
    maxParallel: config.maxParallel,
    aliasMaxParallel: Object.fromEntries(
      Object.values(config.aliases).map((alias) => [alias.name, alias.maxParallel]),
    ),
    backendMaxParallel: Object.fromEntries(
      Object.values(config.backends).map((backend) => [backend.name, backend.maxParallel]),
    ),
    maxNodeTasks: config.maxNodeTasks,
  };
}
