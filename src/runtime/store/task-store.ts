import { mkdirSync } from 'node:fs';
import { isValidTaskId } from '../../core/task/task-id.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import { fitRecord } from '../../core/task/bound-text.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { DispatchError } from '../../core/errors.js';
import { appendJsonLine, MAX_ATOMIC_LINE } from '../fs/append-line.js';
import { RootPaths, type TaskFiles } from '../paths.js';
import { listDir } from './read-text.js';
import { StatusCache } from './status-cache.js';
import { readMeta, readTaskSnapshot, readTaskStatus } from './read-snapshot.js';
import { existsSync } from 'node:fs';

/** Distributes the event types' own fields over the union, so `Omit` keeps it discriminated. */
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<TaskEvent, 'time'>;

/** The task folders of one `.dispatch/` root. */
export class TaskStore {
  readonly paths: RootPaths;

  /**
   * @param env the environment workers and the supervisor started for these tasks inherit (and
   *   the config is looked up in): the caller's, so a library user can pass its own.
   */
  constructor(
    root: string,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.paths = new RootPaths(root);
  }

  get root(): string {
    return this.paths.root;
  }

  files(id: string): TaskFiles {
    return this.paths.task(id);
  }

  exists(id: string): boolean {
    return isValidTaskId(id) && existsSync(this.files(id).taskDir);
  }

  /** Throws a not-found error that lists what exists, so a typo is easy to fix. */
  require(id: string): TaskFiles {
    const files = this.files(id);
    if (!existsSync(files.taskDir)) {
      const ids = this.listIds();
      throw new DispatchError('not-found', `no task "${id}" in ${this.paths.tasks}`, {
        hint:
          ids.length > 0
            ? `Existing tasks: ${ids.slice(-10).join(', ')}. See \`dispatch list\`.`
            : 'There are no tasks here yet: start one with `dispatch run`.',
      });
    }
    return files;
  }

  /** Task ids in this root, oldest first by name order of creation where known. */
  listIds(): string[] {
    return listDir(this.paths.tasks)
      .filter((name) => !name.startsWith('.') && isValidTaskId(name))
      .sort();
  }

  ensureRoot(): void {
    mkdirSync(this.paths.tasks, { recursive: true, mode: 0o700 });
  }

  appendEvent(id: string, event: NewEvent): TaskEvent {
    // Every builder bounds its own free text; this is the guard for any field it missed.
    const full = fitRecord(
      { ...event, time: new Date().toISOString() },
      MAX_ATOMIC_LINE - 96,
    ) as TaskEvent;
    appendJsonLine(this.files(id).events, full, 0o600);
    return full;
  }

  status(id: string): TaskStatus {
    return readTaskStatus(id, this.require(id));
  }

  snapshot(id: string) {
    return readTaskSnapshot(id, this.require(id));
  }

  meta(id: string) {
    return readMeta(this.require(id));
  }

  /**
   * Every task's status; tasks whose folder vanished meanwhile are skipped. Finished tasks come
   * from the status cache while their files are unchanged (see StatusCache).
   */
  statuses(): TaskStatus[] {
    const cache = StatusCache.forRoot(this.root);
    const ids = this.listIds();
    const result: TaskStatus[] = [];
    for (const id of ids) {
      const files = this.files(id);
      const stamp = StatusCache.stamp(files);
      const cached = cache.get(id, stamp);
      if (cached) {
        result.push(cached);
        continue;
      }
      try {
        const status = readTaskStatus(id, files);
        cache.remember(id, stamp, status);
        result.push(status);
      } catch {
        // removed while listing
      }
    }
    cache.save(new Set(ids));
    return result;
  }
}
