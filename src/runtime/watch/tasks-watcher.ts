import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { isValidTaskId } from '../../core/task/task-id.js';
import { listRealDir, mtimeMs } from '../store/read-text.js';

export interface TaskChange {
  id: string;
  /** File names that changed in the task folder or its ipc/ folder (ipc files as "ipc/NNN.x"). */
  files: Set<string>;
}

export interface TasksWatcherEvents {
  change: [TaskChange];
  added: [string];
  removed: [string];
}

/**
 * One watcher for every task of a root: inotify (fs.watch) on tasks/, on each task folder and on
 * each ipc/ folder, so hundreds of tasks cost a few hundred kernel watches in one process rather
 * than a polling loop each. Changes are coalesced per task within one turn of the event loop.
 * If the system refuses more watches it falls back to a periodic scan of modification times.
 */
export class TasksWatcher extends EventEmitter<TasksWatcherEvents> {
  private readonly watchers = new Map<string, FSWatcher[]>();
  /** Tasks whose watches were given back (finished); the tasks/ folder still reports them. */
  private readonly released = new Set<string>();
  private rootWatcher: FSWatcher | undefined;
  private pending = new Map<string, Set<string>>();
  private flushScheduled = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private pollState = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly tasksDir: string,
    private readonly options: { ids?: readonly string[]; pollMs?: number } = {},
  ) {
    super();
  }

  /** Whether it fell back to polling (inotify unavailable or exhausted). */
  get polling(): boolean {
    return this.pollTimer !== undefined;
  }

  /**
   * Watches tasks/, then each task's folders. `examineFirst` sees each task once tasks/ is
   * watched and before its own folders are: a task it releases (finished) is never watched, so a
   * root of 10,000 finished tasks does not hold 20,000 watches even while starting (over the
   * 8,192 many systems allow a user, which would leave it polling for good). A task that changes
   * after it was examined is seen through tasks/ (see release), or, live, through its watches.
   */
  start(examineFirst?: (id: string) => void): this {
    try {
      this.rootWatcher = watch(this.tasksDir, (_event, name) => {
        if (name && !name.startsWith('.') && isValidTaskId(name)) this.syncTask(name.toString());
      });
      this.rootWatcher.on('error', () => this.fallBackToPolling());
    } catch {
      this.fallBackToPolling();
    }
    for (const id of this.wantedIds()) {
      examineFirst?.(id);
      if (!this.released.has(id)) this.watchTask(id);
    }
    return this;
  }

  close(): void {
    this.closed = true;
    this.rootWatcher?.close();
    for (const list of this.watchers.values()) for (const watcher of list) watcher.close();
    this.watchers.clear();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  watchedIds(): string[] {
    return [...this.watchers.keys()];
  }

  /**
   * Gives back the watches of a task nothing more happens in (it has finished), so a root of
   * 10,000 finished tasks costs no more kernel watches than its live ones. The task is watched
   * again when its folder's own entry in tasks/ changes: whoever starts a new attempt of it
   * touches the folder (see touchTaskFolder).
   */
  release(id: string): void {
    if (this.polling) return;
    for (const watcher of this.watchers.get(id) ?? []) watcher.close();
    this.watchers.delete(id);
    this.released.add(id);
  }

  private wantedIds(): string[] {
    const ids = listRealDir(this.tasksDir, true).filter(
      (name) => !name.startsWith('.') && isValidTaskId(name),
    );
    return this.options.ids ? ids.filter((id) => this.options.ids?.includes(id)) : ids;
  }

  private syncTask(id: string): void {
    if (this.closed) return;
    if (this.options.ids && !this.options.ids.includes(id)) return;
    const exists = listRealDir(join(this.tasksDir, id)).length > 0;
    if (exists && !this.watchers.has(id)) {
      this.released.delete(id);
      this.watchTask(id);
      this.emit('added', id);
      this.queue(id, 'task.json');
    } else if (!exists && (this.watchers.has(id) || this.released.has(id))) {
      for (const watcher of this.watchers.get(id) ?? []) watcher.close();
      this.watchers.delete(id);
      this.released.delete(id);
      this.emit('removed', id);
    }
  }

  private watchTask(id: string): void {
    if (this.watchers.has(id) || this.polling) return;
    const dir = join(this.tasksDir, id);
    const list: FSWatcher[] = [];
    try {
      list.push(this.watchDir(dir, id, ''));
      list.push(this.watchDir(join(dir, 'ipc'), id, 'ipc/'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EMFILE') {
        for (const watcher of list) watcher.close();
        this.fallBackToPolling();
        return;
      }
      // ipc/ may not exist in a hand-made or legacy folder: its creation shows up in the task folder.
    }
    this.watchers.set(id, list);
  }

  private watchDir(dir: string, id: string, prefix: string): FSWatcher {
    const watcher = watch(dir, (_event, name) => {
      const file = name ? `${prefix}${name.toString()}` : prefix || '.';
      if (file === 'ipc' && this.watchers.get(id)?.length === 1) this.rewatchIpc(id);
      this.queue(id, file);
    });
    watcher.on('error', () => this.queue(id, '.'));
    return watcher;
  }

  private rewatchIpc(id: string): void {
    try {
      this.watchers.get(id)?.push(this.watchDir(join(this.tasksDir, id, 'ipc'), id, 'ipc/'));
    } catch {
      // not there yet
    }
  }

  private queue(id: string, file: string): void {
    if (this.closed) return;
    let files = this.pending.get(id);
    if (!files) {
      files = new Set();
      this.pending.set(id, files);
    }
    files.add(file);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    // Changes queued just before close() are not reported after it.
    if (this.closed) return;
    const pending = this.pending;
    this.pending = new Map();
    for (const [id, files] of pending) this.emit('change', { id, files });
  }

  private fallBackToPolling(): void {
    if (this.pollTimer || this.closed) return;
    for (const list of this.watchers.values()) for (const watcher of list) watcher.close();
    this.watchers.clear();
    this.rootWatcher?.close();
    this.pollTimer = setInterval(() => this.poll(), this.options.pollMs ?? 500);
    this.pollTimer.unref?.();
    this.poll();
  }

  private poll(): void {
    const seen = new Set<string>();
    for (const id of this.wantedIds()) {
      seen.add(id);
      const dir = join(this.tasksDir, id);
      const stamp = ['plan.md', 'events.jsonl', 'worker.log', 'context.md', 'ipc']
        .map((name) => mtimeMs(join(dir, name)))
        .join(':');
      const before = this.pollState.get(id);
      this.pollState.set(id, stamp);
      if (before === undefined) this.emit('added', id);
      if (before !== stamp) this.queue(id, '.');
    }
    for (const id of this.pollState.keys()) {
      if (!seen.has(id)) {
        this.pollState.delete(id);
        this.emit('removed', id);
      }
    }
  }
}
