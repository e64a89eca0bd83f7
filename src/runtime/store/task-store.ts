import { mkdirSync } from 'node:fs';
import { sep } from 'node:path';
import { isValidTaskId } from '../../core/task/task-id.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import { fitRecord } from '../../core/task/bound-text.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { DispatchError } from '../../core/errors.js';
import { appendJsonLine, MAX_ATOMIC_LINE } from '../fs/append-line.js';
import { RootPaths, type TaskFiles } from '../paths.js';
import { listRealDir } from './read-text.js';
import { StatusIndex } from './status-index.js';
import { readEvents, readMeta, readTaskSnapshot, readTaskStatus } from './read-snapshot.js';
import { distrustReason, untrustedError } from '../trust/task-trust.js';
import { assertSafeRoot } from '../trust/root-safety.js';
import { findUserKey } from '../trust/user-key.js';
import { ignoreRoot } from './ignore-root.js';
import { matchTaskRef } from '../../core/task/task-ref.js';
import { lstatQuietly, symlinkRefused } from '../fs/no-follow.js';

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
    assertSafeRoot(this.paths.root);
  }

  get root(): string {
    return this.paths.root;
  }

  files(id: string): TaskFiles {
    return this.paths.task(id);
  }

  exists(id: string): boolean {
    return isValidTaskId(id) && lstatQuietly(this.files(id).taskDir)?.isDirectory() === true;
  }

  /**
   * The id a user means: the whole id or a start only one task has (see core/task/task-ref.ts).
   * An ambiguous start is refused with the tasks it could mean; an unknown one as `require` does.
   */
  resolveId(ref: string): string {
    if (this.exists(ref)) return ref;
    const match = matchTaskRef(ref, this.listIds());
    if (match.kind === 'prefix' || match.kind === 'exact') return match.id;
    if (match.kind === 'ambiguous')
      throw new DispatchError('usage', `"${ref}" is the start of several tasks`, {
        hint: `Give more of the id: ${match.candidates.slice(0, 10).join(', ')}.`,
      });
    this.require(ref);
    return ref;
  }

  /** The most recently created task, for commands that default to it; undefined when none. */
  latestId(): string | undefined {
    let latest: TaskStatus | undefined;
    for (const status of this.statuses())
      if (latest === undefined || (status.createdAt ?? '') >= (latest.createdAt ?? ''))
        latest = status;
    return latest?.id;
  }

  /**
   * Throws a not-found error that lists what exists, so a typo is easy to fix; refuses a task
   * folder (or tasks/ folder) that is a symbolic link.
   */
  require(id: string): TaskFiles {
    const files = this.files(id);
    if (lstatQuietly(this.paths.tasks)?.isSymbolicLink()) throw symlinkRefused(this.paths.tasks);
    const stats = lstatQuietly(files.taskDir);
    if (stats?.isSymbolicLink()) throw symlinkRefused(files.taskDir);
    if (!stats?.isDirectory()) {
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

  /**
   * `require`, refusing a task the user did not create (see docs/protocol.md, Trust) before
   * anything is written to it or done for it. A folder of the original prompt-only dispatcher
   * (no task.json) passes unless its history names a worker: this program never starts one.
   */
  requireOwn(id: string, action: string): TaskFiles {
    const files = this.require(id);
    const reason = distrustReason(id, files, readMeta(files), readEvents(files), this.env);
    if (reason) throw untrustedError(id, reason, action);
    return files;
  }

  /**
   * Task ids in this root, oldest first by name order of creation where known. Links are never
   * tasks: neither a tasks/ folder that is a link nor a link in it (see `dispatch doctor`).
   */
  listIds(): string[] {
    return listRealDir(this.paths.tasks, true)
      .filter((name) => !name.startsWith('.') && isValidTaskId(name))
      .sort();
  }

  /** Makes the root and its tasks/ folder (0700); refuses a tasks/ folder that is a link. */
  ensureRoot(): void {
    if (lstatQuietly(this.paths.tasks)?.isSymbolicLink()) throw symlinkRefused(this.paths.tasks);
    mkdirSync(this.paths.tasks, { recursive: true, mode: 0o700 });
    ignoreRoot(this.paths.root);
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
    return readTaskStatus(id, this.require(id), this.env);
  }

  snapshot(id: string) {
    return readTaskSnapshot(id, this.require(id), this.env);
  }

  meta(id: string) {
    return readMeta(this.require(id));
  }

  /**
   * Every task's status; tasks whose folder vanished meanwhile are skipped. Finished tasks come
   * from the status index while their files are unchanged (see StatusIndex).
   */
  statuses(): TaskStatus[] {
    // A key that cannot be trusted is reported once, not taken for tasks vanishing while listed.
    findUserKey(this.env);
    const index = StatusIndex.forRoot(this.root, this.env);
    const ids = this.listIds();
    const tasks = this.paths.tasks;
    const result: TaskStatus[] = [];
    for (const id of ids) {
      const stamp = StatusIndex.stamp(`${tasks}${sep}${id}`);
      const indexed = index.get(id, stamp);
      if (indexed) {
        result.push(indexed);
        continue;
      }
      try {
        const status = readTaskStatus(id, this.files(id), this.env);
        index.remember(id, stamp, status);
        result.push(status);
      } catch {
        // removed while listing
      }
    }
    index.save(new Set(ids));
    return result;
  }
}
