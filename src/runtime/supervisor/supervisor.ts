import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../core/config/config-types.js';
import { appendNote, planHasNote } from '../../core/plan/edit-plan.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import { TERMINAL_STATES, type TaskState, type TaskStatus } from '../../core/status/task-status.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { tryLock } from '../lock/file-lock.js';
import { isProcessAlive } from '../process/process-info.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import { startRunnableTasks } from '../scheduler/start-runnable.js';
import { readTaskSnapshot } from '../store/read-snapshot.js';
import { MAX_PLAN_BYTES, readTextFile } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { TasksWatcher } from '../watch/tasks-watcher.js';

export type SupervisorEventKind =
  'question' | 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'blocked' | 'started';

export interface SupervisorEvents {
  task: [SupervisorEventKind, TaskStatus];
  log: [string];
  exit: [];
}

export interface SupervisorOptions {
  /** How long to stay with nothing to supervise before exiting. */
  idleExitMs?: number;
  /** How often to check that workers without an exit record still run (a killed wrapper writes none). */
  livenessMs?: number;
}

function onlyLogOrTemp(files: Set<string>): boolean {
  for (const file of files) if (file !== 'worker.log' && !file.endsWith('.tmp')) return false;
  return true;
}

const ACTIVE: ReadonlySet<TaskState> = new Set(['queued', 'running', 'waiting']);

const KIND_OF_STATE: Partial<Record<TaskState, SupervisorEventKind>> = {
  done: 'completed',
  failed: 'failed',
  'timed-out': 'timed-out',
  cancelled: 'cancelled',
  'not-started': 'failed',
  blocked: 'blocked',
};

/**
 * One per `.dispatch/` root: watches every task, records questions as they appear, starts
 * queued tasks when slots free up, enforces the inactivity timeout, puts back dispatcher notes a
 * worker's rewrite dropped, and reports transitions. It holds no state that the files do not:
 * killed and restarted, it picks everything up again from the task folders.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly known = new Map<string, TaskStatus>();
  /** Last activity (plan, ipc, log) and inactivity limit of each task, for the timeout timer. */
  private readonly activity = new Map<string, { lastMs: number; timeoutMinutes: number }>();
  private watcher: TasksWatcher | undefined;
  private releaseLock: (() => void) | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: TaskStore,
    private readonly loadConfig: () => Config,
    private readonly options: SupervisorOptions = {},
  ) {
    super();
  }

  /** Takes the root's supervisor lock; false if another supervisor holds it. */
  start(): boolean {
    this.store.ensureRoot();
    this.releaseLock = tryLock(this.store.paths.supervisorLock);
    if (!this.releaseLock) return false;
    this.watcher = new TasksWatcher(this.store.paths.tasks).start();
    this.watcher.on('change', ({ id, files }) => this.examine(id, files));
    this.watcher.on('added', (id) => this.examine(id));
    this.watcher.on('removed', (id) => {
      this.known.delete(id);
      this.activity.delete(id);
    });
    for (const id of this.store.listIds()) this.examine(id, undefined, true);
    this.scheduleQueued();
    this.livenessTimer = setInterval(() => this.checkLiveness(), this.options.livenessMs ?? 2000);
    this.updateIdle();
    this.log(`supervising ${this.store.root} (${this.known.size} tasks)`);
    return true;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher?.close();
    for (const timer of [this.livenessTimer, this.timeoutTimer, this.idleTimer])
      if (timer) clearTimeout(timer);
    this.releaseLock?.();
    this.emit('exit');
  }

  private log(message: string): void {
    this.emit('log', message);
  }

  private config(): Config {
    return this.loadConfig();
  }

  /** Re-derives one task's status and acts on what changed. */
  private examine(id: string, files?: Set<string>, startup = false): void {
    if (this.stopped) return;
    if (files && onlyLogOrTemp(files)) {
      // The worker is writing its log: that is activity, but nothing the status depends on.
      const entry = this.activity.get(id);
      if (entry) entry.lastMs = Date.now();
      return;
    }
    let snapshot;
    try {
      snapshot = readTaskSnapshot(id, this.store.files(id));
    } catch {
      this.known.delete(id);
      return;
    }
    const status = deriveStatus(snapshot);
    const before = this.known.get(id);
    this.known.set(id, status);
    this.activity.set(id, {
      lastMs: snapshot.lastActivityMs,
      timeoutMinutes: snapshot.meta?.timeoutMinutes ?? this.config().timeoutMinutes,
    });

    const seq = status.question?.seq;
    if (seq !== undefined && !snapshot.events.some((e) => e.type === 'question' && e.seq === seq)) {
      this.store.appendEvent(id, { type: 'question', seq });
      this.emit('task', 'question', status);
    }
    if (!startup && before && before.state !== status.state) {
      const kind = KIND_OF_STATE[status.state];
      if (kind && kind !== 'blocked') this.emit('task', kind, status);
      if (kind === 'blocked' && status.question?.seq === undefined)
        this.emit('task', 'blocked', status);
      if (status.state === 'running' && before.state === 'queued')
        this.emit('task', 'started', status);
      if (!ACTIVE.has(status.state) || status.state !== before.state) this.scheduleQueued();
    }
    if (files === undefined || files.has('plan.md') || files.has('.'))
      this.restoreNotes(id, snapshot.events, status);
    this.armTimeouts();
    this.updateIdle();
  }

  /** Puts back dispatcher notes that a worker's concurrent rewrite of plan.md dropped. */
  private restoreNotes(
    id: string,
    events: ReturnType<typeof readTaskSnapshot>['events'],
    status: TaskStatus,
  ): void {
    if (TERMINAL_STATES.has(status.state)) return;
    const noteIds = events.filter((e) => e.type === 'note').map((e) => (e as { id: string }).id);
    if (noteIds.length === 0) return;
    const files = this.store.files(id);
    const read = readTextFile(files.plan, MAX_PLAN_BYTES);
    if (!read.ok) return;
    let text = read.text;
    const restored: string[] = [];
    let plan = parsePlan(text);
    for (const noteId of noteIds) {
      let note: string;
      try {
        note = readFileSync(join(files.notes, `${noteId}.md`), 'utf8');
      } catch {
        continue;
      }
      if (planHasNote(plan, note)) continue;
      text = appendNote(text, note);
      plan = parsePlan(text);
      restored.push(noteId);
    }
    if (restored.length === 0) return;
    writeFileAtomic(files.plan, text, { mode: 0o600 });
    for (const noteId of restored)
      this.store.appendEvent(id, { type: 'note-restored', id: noteId });
    this.log(`${id}: restored ${restored.length} dispatcher note(s) dropped by a plan rewrite`);
  }

  private scheduleQueued(): void {
    if (![...this.known.values()].some((status) => status.state === 'queued')) return;
    try {
      const outcome = startRunnableTasks(this.store, this.config());
      for (const id of [...outcome.started, ...outcome.skipped]) this.examine(id);
      for (const failure of outcome.failed) this.log(`${failure.id}: ${failure.error}`);
    } catch (error) {
      this.log(`scheduling failed: ${(error as Error).message}`);
    }
  }

  private checkLiveness(): void {
    for (const [id, status] of this.known) {
      if (
        (status.state === 'running' ||
          status.state === 'waiting' ||
          status.state === 'timed-out') &&
        status.pid !== undefined &&
        !isProcessAlive(status.pid)
      ) {
        this.examine(id);
      }
    }
  }

  /** One timer for the earliest inactivity deadline among running tasks. */
  private armTimeouts(): void {
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    let earliest = Infinity;
    for (const [id] of this.known) {
      const deadline = this.deadline(id);
      if (deadline !== undefined) earliest = Math.min(earliest, deadline);
    }
    if (earliest === Infinity) return;
    this.timeoutTimer = setTimeout(
      () => this.enforceTimeouts(),
      Math.max(0, earliest - Date.now()) + 10,
    );
  }

  private deadline(id: string): number | undefined {
    const status = this.known.get(id);
    const entry = this.activity.get(id);
    if (!status || !entry || (status.state !== 'running' && status.state !== 'waiting'))
      return undefined;
    return entry.lastMs + entry.timeoutMinutes * 60_000;
  }

  private enforceTimeouts(): void {
    const stop = this.config().stopOnTimeout;
    for (const [id] of this.known) {
      let deadline = this.deadline(id);
      if (deadline === undefined || deadline > Date.now()) continue;
      // The cached activity may be stale: confirm from the files before declaring a timeout.
      this.examine(id);
      deadline = this.deadline(id);
      if (deadline === undefined || deadline > Date.now()) continue;
      const minutes = this.activity.get(id)?.timeoutMinutes ?? this.config().timeoutMinutes;
      const status = this.known.get(id);
      this.store.appendEvent(id, { type: 'timed-out', idleMinutes: minutes, stopped: stop });
      this.log(`${id}: no activity for ${minutes} minutes${stop ? '; stopping the worker' : ''}`);
      if (stop && status?.pid !== undefined)
        void stopProcessGroup(status.pid).then(() => this.examine(id));
      this.examine(id);
    }
    this.armTimeouts();
  }

  private updateIdle(): void {
    const active = [...this.known.values()].some((status) => ACTIVE.has(status.state));
    if (active) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      return;
    }
    if (this.idleTimer || this.stopped) return;
    this.idleTimer = setTimeout(() => this.exitIfIdle(), this.options.idleExitMs ?? 2000);
  }

  /**
   * Exits with nothing to supervise. The lock goes first and the tasks are checked after, so a
   * task created meanwhile is seen either here or by its creator (who then starts a supervisor).
   */
  private exitIfIdle(): void {
    this.idleTimer = undefined;
    this.releaseLock?.();
    this.releaseLock = undefined;
    const active = this.store.listIds().some((id) => {
      try {
        return ACTIVE.has(this.store.status(id).state);
      } catch {
        return false;
      }
    });
    if (active) {
      this.releaseLock = tryLock(this.store.paths.supervisorLock);
      if (this.releaseLock) {
        for (const id of this.store.listIds()) this.examine(id);
        return;
      }
    }
    this.log('nothing left to supervise; exiting');
    this.stop();
  }
}
