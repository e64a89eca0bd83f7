import { EventEmitter } from 'node:events';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { LivenessCheck } from '../process/liveness-check.js';
import { supervisorState } from '../supervisor/ensure-supervisor.js';
import type { TaskStore } from '../store/task-store.js';
import { TasksWatcher } from '../watch/tasks-watcher.js';
import type { FeedEvent } from './feed-events.js';

export interface TaskFeedOptions {
  /** Only these tasks (all, including new ones, when absent). */
  ids?: readonly string[];
  /** How often to check that running workers still exist (a killed wrapper leaves no file). */
  livenessMs?: number;
}

/** A fingerprint of what a person would see change; log output alone does not count. */
function visible(status: TaskStatus): string {
  return JSON.stringify([
    status.state,
    status.progress.done,
    status.progress.total,
    status.progress.current?.text,
    status.progress.errors.length,
    status.question?.seq,
    status.question?.text,
    status.attempt,
    status.pid,
    status.exit?.code,
    status.reason,
  ]);
}

const LOG_REFRESH_MS = 500;

export interface TaskFeedEvents {
  event: [FeedEvent];
  /**
   * The worker wrote to its log (and nothing else changed). Kept off the `event` stream, which
   * only carries what changes a task's status; a view that shows a log tail listens here.
   */
  output: [id: string];
}

/**
 * Live task statuses from file events: one watcher for all tasks, statuses re-derived only for
 * the task that changed, and an event only when something visible changed.
 */
export class TaskFeed extends EventEmitter<TaskFeedEvents> {
  private readonly statuses = new Map<string, TaskStatus>();
  private readonly pendingRefresh = new Map<string, NodeJS.Timeout>();
  private watcher: TasksWatcher | undefined;
  private liveness: LivenessCheck | undefined;

  constructor(
    private readonly store: TaskStore,
    private readonly options: TaskFeedOptions = {},
  ) {
    super();
  }

  /** Starts watching and returns the first snapshot (also emitted as a `snapshot` event). */
  start(): TaskStatus[] {
    this.store.ensureRoot();
    const ids = this.options.ids ?? this.store.listIds();
    for (const id of ids) {
      try {
        this.statuses.set(id, this.store.status(id));
      } catch {
        // vanished or never existed
      }
    }
    this.watcher = new TasksWatcher(
      this.store.paths.tasks,
      this.options.ids ? { ids: this.options.ids } : {},
    );
    this.watcher.on('change', ({ id, files }) => {
      if ([...files].every((file) => file === 'worker.log' || file.endsWith('.tmp'))) {
        if (files.has('worker.log')) {
          this.emit('output', id);
          this.refreshSoon(id);
        }
        return;
      }
      this.refresh(id);
    });
    this.watcher.on('added', (id) => this.refresh(id));
    this.watcher.on('removed', (id) => {
      if (this.statuses.delete(id)) this.emit('event', { kind: 'removed', id });
    });
    this.watcher.start();
    // Changes between the first read and the watch starting would be missed: read once more.
    for (const id of this.statuses.keys()) this.refresh(id);
    this.liveness = new LivenessCheck(
      () => this.statuses.values(),
      (id) => this.refresh(id),
      {
        intervalMs: this.options.livenessMs ?? 1000,
        supervised: () => supervisorState(this.store).running,
      },
    ).start();
    const tasks = this.tasks();
    this.emit('event', { kind: 'snapshot', tasks });
    return tasks;
  }

  /**
   * Re-reads a task whose worker wrote to its log, at most twice a second: the log is where a
   * CLI says it retries a refused request, which changes the task's reason.
   */
  private refreshSoon(id: string): void {
    if (this.pendingRefresh.has(id)) return;
    const timer = setTimeout(() => {
      this.pendingRefresh.delete(id);
      this.refresh(id);
    }, LOG_REFRESH_MS);
    timer.unref();
    this.pendingRefresh.set(id, timer);
  }

  stop(): void {
    for (const timer of this.pendingRefresh.values()) clearTimeout(timer);
    this.pendingRefresh.clear();
    this.watcher?.close();
    this.liveness?.stop();
  }

  tasks(): TaskStatus[] {
    return [...this.statuses.values()];
  }

  get(id: string): TaskStatus | undefined {
    return this.statuses.get(id);
  }

  /** Re-reads one task now (after this process changed it, for instance). */
  refresh(id: string): void {
    let status: TaskStatus;
    try {
      status = this.store.status(id);
    } catch {
      if (this.statuses.delete(id)) this.emit('event', { kind: 'removed', id });
      return;
    }
    const previous = this.statuses.get(id);
    this.statuses.set(id, status);
    if (!previous) {
      this.emit('event', { kind: 'added', task: status });
      if (status.question) this.emit('event', { kind: 'question', task: status });
      return;
    }
    if (visible(previous) === visible(status)) return;
    this.emit('event', { kind: 'changed', task: status, previous });
    const newQuestion =
      status.question &&
      (previous.question?.seq !== status.question.seq ||
        previous.question?.text !== status.question.text);
    if (newQuestion) this.emit('event', { kind: 'question', task: status });
    if (TERMINAL_STATES.has(status.state) && !TERMINAL_STATES.has(previous.state))
      this.emit('event', { kind: 'finished', task: status });
  }
}
