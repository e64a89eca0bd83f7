import { EventEmitter } from 'node:events';
import type { NotifyEvent } from '../../core/config/config-schema.js';
import type { Config } from '../../core/config/config-types.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import { missingObservations } from '../../core/status/observations.js';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import { boundText } from '../../core/task/bound-text.js';
import { readLockOwner, tryLock } from '../lock/file-lock.js';
import { beat, heartbeatMs, heartbeatStaleMs } from './heartbeat.js';
import { Notifier } from '../notify/notifier.js';
import { CollectWhenQuiet } from '../process/collect-when-quiet.js';
import { LivenessCheck } from '../process/liveness-check.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import { isTaskWorker, latestWorkerClaim } from '../process/worker-identity.js';
import {
  isUnconstrained,
  startRunnableTasks,
  startRunnableThrough,
  type ScheduleOutcome,
} from '../scheduler/start-runnable.js';
import type { LauncherClient } from '../spawn/launcher-client.js';
import { SchedulingCache } from '../scheduler/scheduling-cache.js';
import { readEvents, readMeta, readTaskSnapshot } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';
import { TasksWatcher } from '../watch/tasks-watcher.js';
import { restoreDroppedNotes } from './restore-notes.js';
import { resumeWithUnreadAnswer } from './resume-unread-answer.js';
import { resumeLostSession } from './resume-lost-session.js';
import { retryTransientFailure } from './retry-transient-failure.js';
import { isActive, isLive, isTerminal, mayHaveWorker } from '../../core/status/state-groups.js';
import { latestWorker } from '../../core/task/current-attempt.js';
import { attemptsWithLeftovers, stopLeftovers } from '../tasks/stop-leftovers.js';
import { isRelayState } from '../nodes/relay-state.js';
import { restartRelay } from '../nodes/restart-relay.js';
import { MAX_TIMER_MS } from '../watch/wait-until.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { TaskVerifier } from '../verify/task-verifier.js';
import { BudgetGuard } from './budget-guard.js';
import { budgetExcessText, type BudgetExcess } from '../../core/budget/budget.js';

export interface SupervisorEvents {
  notify: [NotifyEvent, TaskStatus];
  log: [string];
  exit: [];
}

export interface SupervisorOptions {
  /** How long to stay with nothing to supervise before exiting. */
  idleExitMs?: number;
  /** How often to check that workers without an exit record still run (a killed wrapper writes none). */
  livenessMs?: number;
  /** How often to touch the lock file, which shows the supervisor is alive. */
  heartbeatMs?: number;
  /** Where time comes from: the system clock, or a manual one in tests. */
  clock?: Clock;
  /**
   * Spawns the workers of its scheduling passes in a launcher process (launcher-client.ts);
   * without one they are spawned by the supervisor itself.
   */
  launcher?: LauncherClient;
}

/** How long the creator of an unconstrained task has to start it before the supervisor does. */
const CREATOR_GRACE_MS = 3000;

/**
 * How long after a worker ended what it left running is stopped (DISPATCH_LEFTOVER_GRACE_MS):
 * long enough for a CLI's own helpers to finish writing, short enough that nothing lingers.
 */
const LEFTOVER_GRACE_MS = 5000;

/**
 * How long a worker may go on running after it marked its task done (DISPATCH_DONE_EXIT_GRACE_MS)
 * before it is stopped: an agent CLI exits seconds after its last turn, so one still running a
 * minute later is stuck (a background child it waits for, a hung MCP server). The task stays done.
 */
const DONE_EXIT_GRACE_MS = 60_000;

/** The shortest time between two looks for the leftovers of ended workers. */
const SWEEP_SPACING_MS = 250;

/** Workers that ended longer ago than this (before this supervisor started) are not looked at. */
const LEFTOVER_WINDOW_MS = 10 * 60_000;

function onlyLogOrTemp(files: Set<string>): boolean {
  for (const file of files)
    if (file !== 'worker.log' && !file.endsWith('.tmp') && !isRelayState(file)) return false;
  return true;
}

/** How long a state change waits for others to share its scheduling pass. */
const SCHEDULE_COALESCE_MS = 20;
/** How long the tasks' files stay quiet before the supervisor collects its garbage once. */
const QUIET_MS = 5000;

/**
 * One per `.dispatch/` root: watches every task, records what the files show (questions,
 * acknowledgments, the end) in each task's history, notifies once per event, starts queued tasks
 * when slots free up, enforces the inactivity timeout, puts back dispatcher notes a worker's
 * rewrite dropped, and hands an answer the worker never read to a new worker. It keeps no state
 * the files do not have: killed and restarted, it picks everything up again from the task folders.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly known = new Map<string, TaskStatus>();
  /** The tasks whose workers run now, the only ones with an inactivity deadline. */
  private readonly live = new Set<string>();
  /** The tasks that keep the supervisor from exiting (isActive). */
  private readonly active = new Set<string>();
  /**
   * Finished tasks whose worker still runs, and since when: it wrote its completion marker and has
   * not exited yet. They stay watched (and keep the supervisor) until the exit, after which what
   * the worker left running is stopped; a worker that does not exit within DONE_EXIT_GRACE_MS is
   * stopped itself.
   */
  private readonly finishing = new Map<string, number>();
  private lingerTimer: TimerHandle | undefined;
  /** Last activity (plan, ipc, log) and inactivity limit of each task, for the timeout timer. */
  private readonly activity = new Map<string, { lastMs: number; timeoutMinutes: number }>();
  private readonly notifier: Notifier;
  private watcher: TasksWatcher | undefined;
  private releaseLock: (() => void) | undefined;
  private liveness: LivenessCheck | undefined;
  private timeoutTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;
  /** Retries queued tasks now and then: a start claimed by a process that died is taken over. */
  private queueTimer: TimerHandle | undefined;
  /** A scheduling pass asked for by a state change, run once for all changes close together. */
  private schedulePassTimer: TimerHandle | undefined;
  /** Tasks that have not changed since the last scheduling pass are not read again. */
  private readonly schedulingCache = new SchedulingCache();
  private heartbeatTimer: TimerHandle | undefined;
  /** A pass through the launcher is under way; another one asked for meanwhile follows it. */
  private passRunning = false;
  private passAgain = false;
  private stopped = false;
  /** Workers being stopped right now (their SIGKILL may still be due), and note checks pending. */
  private pending = 0;
  private readonly clock: Clock;
  /** Attempts whose leftover processes were looked for (or are due to be), each once. */
  private readonly swept = new Set<string>();
  /** Sweeps waiting for their grace to pass, and the one timer for the earliest of them. */
  private readonly dueSweeps = new Map<string, { id: string; attempt: number; dueMs: number }>();
  private sweepTimer: TimerHandle | undefined;
  /** Runs the verify commands of tasks whose workers are done (docs/verify.md). */
  private readonly verifier: TaskVerifier;
  /** Stops workers past their task's budget or the project's daily one (docs/verify.md). */
  private readonly budgets: BudgetGuard;
  /** After a burst of file events (a fan-out starting), the heap it grew is collected once. */
  private readonly quiet = new CollectWhenQuiet(QUIET_MS);

  constructor(
    private readonly store: TaskStore,
    private readonly loadConfig: () => Config,
    private readonly options: SupervisorOptions = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.budgets = new BudgetGuard(store, loadConfig, () => this.clock.now());
    this.verifier = new TaskVerifier(store, {
      log: (message) => this.log(message),
      examine: (id) => {
        this.examine(id);
        this.updateIdle();
      },
    });
    this.notifier = new Notifier(
      () => this.loadConfig().notify,
      store.root,
      (message) => this.log(message),
    );
  }

  /** Takes the root's supervisor lock; false if another supervisor holds it. */
  start(): boolean {
    this.store.ensureRoot();
    this.releaseLock = this.takeLock();
    if (!this.releaseLock) return false;
    this.heartbeatTimer = this.clock.setInterval(
      () => this.beat(),
      this.options.heartbeatMs ?? heartbeatMs(this.store.env),
    );
    this.watcher = new TasksWatcher(this.store.paths.tasks);
    this.watcher.on('change', ({ id, files }) => {
      this.examine(id, files);
      this.quiet.activity();
    });
    this.watcher.on('added', (id) => {
      this.examine(id);
      this.quiet.activity();
    });
    this.watcher.on('removed', (id) => {
      this.known.delete(id);
      this.live.delete(id);
      this.active.delete(id);
      this.finishing.delete(id);
      this.budgets.forget(id);
      this.activity.delete(id);
    });
    // Each task is examined before its folders are watched, so finished ones never are...
    let examined = 0;
    this.watcher.start((id) => {
      this.examine(id);
      examined++;
    });
    // ...and a live one that changed in between is examined once more, now that it is watched.
    for (const id of this.watcher.watchedIds()) this.examine(id);
    this.scheduleQueued();
    this.liveness = new LivenessCheck(
      () => this.known.values(),
      (id) => this.examine(id),
      {
        intervalMs: this.options.livenessMs ?? 5000,
        alsoWatch: (status) => this.finishing.has(status.id),
      },
    ).start();
    this.queueTimer = this.clock.setInterval(
      () => this.scheduleQueued(),
      this.options.livenessMs ?? 2000,
    );
    this.updateIdle();
    this.log(`supervising ${this.store.root} (${examined} tasks, ${this.known.size} not finished)`);
    return true;
  }

  /** The tasks whose folders it watches now: the live ones, and finished ones until it examines them. */
  watchedTaskIds(): string[] {
    return this.watcher?.watchedIds() ?? [];
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher?.close();
    this.liveness?.stop();
    this.quiet.stop();
    for (const timer of [
      this.timeoutTimer,
      this.idleTimer,
      this.lingerTimer,
      this.queueTimer,
      this.schedulePassTimer,
      this.heartbeatTimer,
      this.sweepTimer,
    ])
      if (timer) this.clock.clear(timer);
    // A check cut short is run again by the next supervisor (the history shows both runs).
    void this.verifier.stopAll();
    this.options.launcher?.close();
    this.releaseLock?.();
    this.emit('exit');
  }

  /** A hung supervisor's lock is taken over: one that no longer beats counts as gone. */
  private takeLock(): (() => void) | undefined {
    return tryLock(this.store.paths.supervisorLock, {
      staleAfterMs: heartbeatStaleMs(this.store.env),
    });
  }

  /** Touches the lock; a supervisor that finds its lock taken over (it hung) leaves. */
  private beat(): void {
    const owner = readLockOwner(this.store.paths.supervisorLock);
    if (this.releaseLock && owner?.pid !== process.pid) {
      this.releaseLock = undefined;
      this.log('another supervisor took over (this one was not responding); exiting');
      this.stop();
      return;
    }
    try {
      if (this.releaseLock) beat(this.store.paths.supervisorLock);
    } catch (error) {
      this.log(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  private log(message: string): void {
    this.emit('log', message);
  }

  private notify(event: NotifyEvent, status: TaskStatus): void {
    this.emit('notify', event, status);
    this.notifier.notify(event, status);
  }

  /**
   * Re-derives one task's status from its files and acts on what changed. Whatever one task's
   * files hold, a failure handling it is logged and the others go on: nothing a worker writes may
   * take the supervisor (and the queue behind it) down.
   */
  private examine(id: string, files?: Set<string>): void {
    try {
      this.examineTask(id, files);
    } catch (error) {
      this.log(`${id}: could not handle a change: ${boundText((error as Error).message, 400)}`);
    }
  }

  private examineTask(id: string, files?: Set<string>): void {
    if (this.stopped) return;
    if (files && onlyLogOrTemp(files)) {
      // The worker is writing its log: that is activity, but nothing the status depends on.
      const entry = this.activity.get(id);
      if (entry) entry.lastMs = this.clock.now();
      return;
    }
    let snapshot: TaskSnapshot;
    try {
      snapshot = readTaskSnapshot(id, this.store.files(id), this.store.env);
    } catch {
      this.known.delete(id);
      this.live.delete(id);
      this.active.delete(id);
      this.finishing.delete(id);
      return;
    }
    const status = deriveStatus(snapshot);
    const before = this.known.get(id);
    const wasFinishing = this.finishing.has(id);
    this.known.set(id, status);
    if (isLive(status.state)) this.live.add(id);
    else this.live.delete(id);
    if (isActive(status.state)) this.active.add(id);
    else this.active.delete(id);
    // A task the user did not create is data: nothing is recorded in it, started or resumed.
    if (snapshot.untrusted !== undefined) {
      if (!before || before.untrusted === undefined)
        this.log(`${id}: not created by you (${snapshot.untrusted}); leaving it alone`);
      this.updateIdle();
      return;
    }
    this.activity.set(id, {
      lastMs: snapshot.lastActivityMs,
      timeoutMinutes: snapshot.meta?.timeoutMinutes ?? this.loadConfig().timeoutMinutes,
    });
    if (restartRelay(this.store, snapshot, status)) {
      this.log(`${id}: its relay to the worker node was gone; started it again`);
      this.examine(id);
      return;
    }
    // Before the failure is recorded: a transient one is not a failure yet.
    const retry = retryTransientFailure(this.store, snapshot, status);
    if (retry) {
      const delayMs = Math.max(0, retry.notBeforeMs - this.clock.now());
      this.log(
        `${id}: ${retry.cause.label}; retrying in ${Math.ceil(delayMs / 1000)} s (${retry.cause.evidence})`,
      );
      // The queue pass runs every few seconds anyway; this one starts it on time.
      this.clock.setTimeout(() => this.scheduleSoon(), delayMs + 10);
      this.examine(id);
      return;
    }
    if (snapshot.meta || snapshot.events.length > 0) this.record(snapshot, status, before);
    const excess = this.budgets.examine(snapshot, status);
    if (excess) {
      this.stopOverBudget(id, excess);
      // Past the project's daily budget: every running worker of the project stops.
      if (excess.scope === 'day')
        for (const [other, known] of [...this.known])
          if (other !== id && isLive(known.state)) this.stopOverBudget(other, excess);
      return;
    }
    this.sweepAfterExit(snapshot, before, wasFinishing);
    if (before && before.state !== status.state && status.state === 'cancelled')
      this.notify('cancelled', status);
    if (files === undefined || files.has('plan.md') || files.has('.')) this.restoreNotes(id);
    if (resumeWithUnreadAnswer(this.store, snapshot, status)) {
      this.log(
        `${id}: the worker stopped before reading its answer; a new worker continues with it`,
      );
      this.examine(id);
      return;
    }
    if (resumeLostSession(this.store, snapshot, status)) {
      this.log(`${id}: the worker CLI could not resume its session; a new worker continues`);
      this.examine(id);
      return;
    }
    this.verifier.handle(snapshot, status);
    if (!before || before.state !== status.state) this.scheduleSoon();
    // Nothing more happens in a finished task without a new attempt, which touches its folder;
    // but a worker that marked it done may not have exited yet, and its exit is still to be seen.
    if (isTerminal(status.state) && !mayHaveWorker(status.state)) {
      if (snapshot.liveness === 'alive') {
        if (!wasFinishing) {
          this.finishing.set(id, this.clock.now());
          this.armLingering();
        }
      } else {
        this.finishing.delete(id);
        this.watcher?.release(id);
        // Nothing more happens in it but a new attempt, which is examined afresh: 10,000
        // finished tasks are not kept (and marked by every garbage collection) for good.
        this.known.delete(id);
        this.activity.delete(id);
      }
    } else this.finishing.delete(id);
    this.armTimeouts();
    this.updateIdle();
  }

  /** Appends what the history lacks (questions, acknowledgments, the end) and notifies once. */
  private record(snapshot: TaskSnapshot, status: TaskStatus, before: TaskStatus | undefined): void {
    for (const observation of missingObservations(snapshot.events, snapshot.ipc, status)) {
      this.store.appendEvent(status.id, observation);
      if (observation.type === 'question') this.notify('question', status);
      if (observation.type === 'completed') this.notify('completed', status);
      if (observation.type === 'failed') this.notify('failed', status);
    }
    // A question left only in the plan ([?] without an IPC file) is announced when it appears.
    const planQuestion = status.state === 'blocked' && status.question?.seq === undefined;
    if (planQuestion && before && before.state !== 'blocked') this.notify('question', status);
  }

  /**
   * Once an attempt's worker has ended, stops what it left running after a short grace: a
   * background child, a daemon, a tool command in a group of its own (stop-leftovers.ts). The
   * supervisor stays until that is done.
   */
  private sweepAfterExit(
    snapshot: TaskSnapshot,
    before: TaskStatus | undefined,
    wasFinishing: boolean,
  ): void {
    const worker = latestWorker(snapshot.events);
    if (!worker) return;
    const key = `${snapshot.id}:${worker.spawned.attempt}`;
    if (this.swept.has(key)) return;
    // Without an exit record (the wrapper was killed) only a worker seen alive counts as ending now.
    const endedMs = worker.exited
      ? Date.parse(worker.exited.time)
      : snapshot.liveness === 'dead' && ((before && isLive(before.state)) || wasFinishing)
        ? this.clock.now()
        : undefined;
    if (endedMs === undefined) return;
    this.swept.add(key);
    if (!(this.clock.now() - endedMs < LEFTOVER_WINDOW_MS)) return;
    const grace = Number(this.store.env.DISPATCH_LEFTOVER_GRACE_MS) || LEFTOVER_GRACE_MS;
    this.pending++;
    this.dueSweeps.set(key, {
      id: snapshot.id,
      attempt: worker.spawned.attempt,
      dueMs: endedMs + grace,
    });
    if (this.sweepTimer === undefined) this.armSweeps(0);
  }

  /**
   * One timer for all sweeps due, at most one look at the process table per SWEEP_SPACING_MS:
   * the attempts whose grace has passed are looked for together (attemptsWithLeftovers), and
   * only those that left something are stopped one by one.
   */
  private armSweeps(spacingMs: number): void {
    if (this.stopped || this.dueSweeps.size === 0) return;
    let earliest = Infinity;
    for (const sweep of this.dueSweeps.values()) earliest = Math.min(earliest, sweep.dueMs);
    const now = this.clock.now();
    this.sweepTimer = this.clock.setTimeout(
      () => this.sweepDue(),
      Math.max(0, earliest - now, spacingMs),
    );
  }

  private sweepDue(): void {
    this.sweepTimer = undefined;
    const now = this.clock.now();
    const due = [...this.dueSweeps].filter(([, sweep]) => sweep.dueMs <= now);
    for (const [key] of due) this.dueSweeps.delete(key);
    let left = due.map(([, sweep]) => sweep);
    try {
      left = attemptsWithLeftovers(this.store, left);
    } catch (error) {
      this.log(`could not look for leftover processes: ${(error as Error).message}`);
    }
    for (const sweep of due.map(([, one]) => one))
      if (left.includes(sweep)) this.stopLeftovers(sweep.id, sweep.attempt, 'completion');
      else this.pending--;
    this.armSweeps(SWEEP_SPACING_MS);
    this.updateIdle();
  }

  /** Stops a task's leftover processes; `pending` was raised by the caller and is lowered here. */
  private stopLeftovers(id: string, attempt: number, after: 'completion' | 'timeout'): void {
    void stopLeftovers(this.store, id, { attempt, after })
      .then((count) => {
        if (count > 0)
          this.log(`${id}: stopped ${count} process(es) left after attempt ${attempt}`);
      })
      .catch((error: Error) => this.log(`${id}: could not stop leftovers: ${error.message}`))
      .finally(() => {
        this.pending--;
        this.updateIdle();
      });
  }

  private restoreNotes(id: string, retryMs = 20): void {
    try {
      const restored = restoreDroppedNotes(this.store, id);
      if (restored === 'busy') {
        // A `dispatch note` holds the task's note lock for milliseconds; a holder stuck for
        // half a minute has its lock taken over as stale by the next note anyway.
        if (retryMs <= 30_000 && !this.stopped) {
          this.pending++;
          this.clock.setTimeout(() => {
            this.pending--;
            this.restoreNotes(id, retryMs * 2);
            this.updateIdle();
          }, retryMs);
        }
      } else if (restored > 0)
        this.log(`${id}: restored ${restored} dispatcher note(s) dropped by a plan rewrite`);
    } catch (error) {
      this.log(`${id}: could not check notes: ${(error as Error).message}`);
    }
  }

  /**
   * A pass reads every task of the root, so the state changes of a burst (a fan-out of a thousand
   * tasks, fifty workers ending together) share one pass a moment later instead of one each.
   */
  private scheduleSoon(): void {
    if (this.schedulePassTimer !== undefined || this.stopped) return;
    this.schedulePassTimer = this.clock.setTimeout(() => {
      this.schedulePassTimer = undefined;
      if (!this.stopped) this.scheduleQueued();
    }, SCHEDULE_COALESCE_MS);
  }

  private scheduleQueued(): void {
    if (this.passRunning) {
      this.passAgain = true;
      return;
    }
    const queued = [...this.known.values()].filter((status) => status.state === 'queued');
    if (queued.length === 0) return;
    const config = this.loadConfig();
    // A task without limits is started by the `dispatch run` that created it; scheduling reads
    // every task, so a burst of new tasks must not trigger it for each one. Such a task is taken
    // over only if it is still queued a little later (its creator died before starting it).
    if (queued.every((status) => this.startedByCreator(status.id, config))) return;
    const launcher = this.options.launcher;
    if (!launcher) {
      try {
        this.afterPass(startRunnableTasks(this.store, config, this.schedulingCache), false);
      } catch (error) {
        this.log(`scheduling failed: ${(error as Error).message}`);
      }
      return;
    }
    // The spawns run in the launcher; each start is examined as soon as it is recorded, and the
    // supervisor stays (pending) until the pass is over.
    this.passRunning = true;
    this.pending++;
    void startRunnableThrough(this.store, config, launcher, {
      cache: this.schedulingCache,
      onStarted: (id) => this.examine(id),
    })
      .then((outcome) => this.afterPass(outcome, true))
      .catch((error: Error) => this.log(`scheduling failed: ${error.message}`))
      .finally(() => {
        this.passRunning = false;
        this.pending--;
        if (this.passAgain) {
          this.passAgain = false;
          this.scheduleSoon();
        }
        this.updateIdle();
      });
  }

  private afterPass(outcome: ScheduleOutcome, startsExamined: boolean): void {
    for (const id of [...(startsExamined ? [] : outcome.started), ...outcome.skipped])
      this.examine(id);
    for (const failure of outcome.failed) this.log(`${failure.id}: ${failure.error}`);
  }

  private startedByCreator(id: string, config: Config): boolean {
    const meta = readMeta(this.store.files(id));
    if (!meta || !isUnconstrained(meta, config)) return false;
    return this.clock.now() - Date.parse(meta.createdAt) < CREATOR_GRACE_MS;
  }

  private deadline(id: string): number | undefined {
    const status = this.known.get(id);
    const entry = this.activity.get(id);
    if (!status || !entry || !isLive(status.state)) return undefined;
    return entry.lastMs + entry.timeoutMinutes * 60_000;
  }

  /** One timer for the earliest inactivity deadline among running tasks. */
  private armTimeouts(): void {
    if (this.timeoutTimer) this.clock.clear(this.timeoutTimer);
    this.timeoutTimer = undefined;
    let earliest = Infinity;
    // Only running tasks have a deadline: a burst of a thousand finished ones is not gone through
    // again on every change.
    for (const id of this.live) earliest = Math.min(earliest, this.deadline(id) ?? Infinity);
    if (earliest === Infinity || this.stopped) return;
    // A deadline past what a timer holds is re-armed when the clamped timer fires.
    this.timeoutTimer = this.clock.setTimeout(
      () => this.enforceTimeouts(),
      Math.min(Math.max(0, earliest - this.clock.now()) + 10, MAX_TIMER_MS),
    );
  }

  private enforceTimeouts(): void {
    const stop = this.loadConfig().stopOnTimeout;
    for (const id of [...this.known.keys()]) {
      const deadline = this.deadline(id);
      if (deadline === undefined || deadline > this.clock.now()) continue;
      // The cached activity may be stale: confirm from the files before declaring a timeout.
      this.examine(id);
      const confirmed = this.deadline(id);
      if (confirmed === undefined || confirmed > this.clock.now()) continue;
      const minutes = this.activity.get(id)?.timeoutMinutes ?? this.loadConfig().timeoutMinutes;
      const pid = this.known.get(id)?.pid;
      const worker = pid === undefined ? undefined : this.workerToStop(id, pid);
      try {
        this.store.appendEvent(id, { type: 'timed-out', idleMinutes: minutes, stopped: stop });
      } catch (error) {
        this.log(`${id}: could not record the timeout: ${(error as Error).message}`);
      }
      this.log(`${id}: no activity for ${minutes} minutes${stop ? '; stopping the worker' : ''}`);
      this.examine(id);
      const status = this.known.get(id);
      if (status) this.notify('timed-out', status);
      if (stop && worker !== undefined) this.stopWorker(id, worker);
    }
    this.armTimeouts();
  }

  /**
   * Records that a running task passed a budget, which fails it with that reason, and stops its
   * worker the way a timeout does (SIGTERM to its process group, SIGKILL if it stays).
   */
  private stopOverBudget(id: string, excess: BudgetExcess): void {
    // From the files, not the cached status: another task of the project may have ended since.
    let status: TaskStatus;
    try {
      status = this.store.status(id);
    } catch {
      return;
    }
    if (!isLive(status.state) || status.untrusted !== undefined) return;
    const worker = status.pid === undefined ? undefined : this.workerToStop(id, status.pid);
    try {
      this.store.appendEvent(id, {
        type: 'budget-exceeded',
        attempt: status.attempt,
        ...excess,
        stopped: worker !== undefined,
      });
    } catch (error) {
      this.log(`${id}: could not record the budget stop: ${(error as Error).message}`);
      return;
    }
    this.log(
      `${id}: ${budgetExcessText(excess)}${worker !== undefined ? '; stopping the worker' : ''}`,
    );
    this.examine(id);
    if (worker !== undefined) this.stopWorker(id, worker);
  }

  /** The pid to stop for a task, only when that process is provably its worker. */
  private workerToStop(id: string, pid: number): number | undefined {
    const claim = latestWorkerClaim(id, readEvents(this.store.files(id)));
    return claim?.pid === pid && isTaskWorker(claim) ? pid : undefined;
  }

  /**
   * Stops a worker that timed out, passed its budget or outlived its task (then what it left, as
   * `after`). The supervisor stays until the SIGKILL that may follow is sent: a worker that
   * ignores SIGTERM (or is stopped) would otherwise outlive the supervisor's exit.
   */
  private stopWorker(id: string, pid: number, after: 'timeout' | 'completion' = 'timeout'): void {
    this.pending++;
    const attempt = this.known.get(id)?.attempt;
    if (attempt !== undefined) this.swept.add(`${id}:${attempt}`);
    void stopProcessGroup(pid)
      .catch(() => undefined)
      .finally(() => {
        this.examine(id);
        if (attempt === undefined) {
          this.pending--;
          this.updateIdle();
        } else {
          this.stopLeftovers(id, attempt, after);
        }
      });
  }

  /** One timer for the earliest finished task whose worker has had its grace to exit. */
  private armLingering(): void {
    if (this.lingerTimer) this.clock.clear(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.stopped || this.finishing.size === 0) return;
    const grace = this.doneExitGraceMs();
    // A worker already being stopped is at Infinity: it is not stopped twice.
    const earliest = Math.min(...this.finishing.values()) + grace;
    if (earliest === Infinity) return;
    this.lingerTimer = this.clock.setTimeout(
      () => {
        this.lingerTimer = undefined;
        const now = this.clock.now();
        for (const [id, since] of [...this.finishing])
          if (now - since >= grace) this.stopLingering(id, grace);
        this.armLingering();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, earliest - this.clock.now())),
    );
  }

  private doneExitGraceMs(): number {
    return Number(this.store.env.DISPATCH_DONE_EXIT_GRACE_MS) || DONE_EXIT_GRACE_MS;
  }

  /** Stops the worker of a finished task that has not exited within its grace (see above). */
  private stopLingering(id: string, graceMs: number): void {
    this.examine(id);
    if (!this.finishing.has(id)) return; // it exited meanwhile
    const status = this.known.get(id);
    const worker = status?.pid === undefined ? undefined : this.workerToStop(id, status.pid);
    if (!status || worker === undefined) {
      // Not provably this task's worker (its record does not authenticate it): not signalled,
      // and no longer waited for.
      this.log(`${id}: a process still runs under the finished task's worker pid; not its worker`);
      this.finishing.delete(id);
      this.watcher?.release(id);
      this.updateIdle();
      return;
    }
    try {
      this.store.appendEvent(id, {
        type: 'stopped-after-done',
        attempt: status.attempt,
        pid: worker,
        graceSeconds: Math.round(graceMs / 1000),
      });
    } catch (error) {
      this.log(`${id}: could not record the stop: ${(error as Error).message}`);
    }
    this.log(
      `${id}: the worker was still running ${Math.round(graceMs / 1000)} s after it marked the task done; stopping it`,
    );
    this.finishing.set(id, Infinity);
    this.stopWorker(id, worker, 'completion');
  }

  private updateIdle(): void {
    const active =
      this.pending > 0 ||
      this.verifier.active > 0 ||
      this.active.size > 0 ||
      this.finishing.size > 0;
    if (active) {
      if (this.idleTimer) this.clock.clear(this.idleTimer);
      this.idleTimer = undefined;
      return;
    }
    if (this.idleTimer || this.stopped) return;
    this.idleTimer = this.clock.setTimeout(
      () => this.exitIfIdle(),
      this.options.idleExitMs ?? 2000,
    );
  }

  /**
   * Exits with nothing to supervise. The lock goes first and the tasks are checked after, so a
   * task created meanwhile is seen either here or by its creator (who then starts a supervisor).
   */
  private exitIfIdle(): void {
    this.idleTimer = undefined;
    if (this.pending > 0 || this.verifier.active > 0 || this.finishing.size > 0) return;
    this.releaseLock?.();
    this.releaseLock = undefined;
    // Finished tasks come from the status index: 10,000 of them are not read again to leave.
    const active = this.store.statuses().some((status) => isActive(status.state));
    if (active) {
      this.releaseLock = this.takeLock();
      if (this.releaseLock) {
        for (const id of this.store.listIds()) this.examine(id);
        return;
      }
    }
    this.log('nothing left to supervise; exiting');
    this.stop();
  }
}
