import type { TaskStatus } from '../../core/status/task-status.js';
import { isProcessAlive } from './process-info.js';
import { mayHaveWorker } from '../../core/status/state-groups.js';

/** How many ticks pass between two looks for a running supervisor (readers only). */
const SUPERVISOR_EVERY = 10;

/**
 * Workers looked at in one tick. Up to this many, each is looked at every tick; beyond it the
 * ticks take turns, so 1,000 workers waiting on questions cost 200 `kill(pid, 0)` every 5 s
 * (about 2 µs each) and each is seen every 25 s. Only a wrapper killed together with its worker
 * needs this check (any other end is recorded by the wrapper itself, and its file change is seen
 * at once), so a slower look at a thousand workers costs little.
 */
const WORKERS_PER_TICK = 200;

/**
 * Every how many rounds over all workers the process table is read as well (a minute with up to
 * 200 workers). `kill(pid, 0)` cannot tell a zombie from a running process, but a wrapper becomes
 * one only under a parent that does not reap it (a stopped one): the launcher, the supervisor and
 * the `dispatch` that spawn wrappers reap them, and an orphan is reaped by init. Reading
 * /proc/PID/stat costs about 30 µs a worker, half of the supervisor's idle CPU when it was read
 * every tenth tick.
 */
const PROCESS_TABLE_EVERY = 12;

function signalsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Notices workers that vanished without an exit record (their shell wrapper was killed too, so no
 * file changes): a few `kill(pid, 0)` each tick, and now and then the process table, which sees
 * zombies (see above). A reader that knows a supervisor is running can skip its own checks: the
 * supervisor records such a death in the task's history, which the reader's file watch then sees.
 */
export class LivenessCheck {
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private supervisedNow = false;
  /** Where the next tick goes on in the list of workers, and how many rounds it has made. */
  private next = 0;
  private rounds = 0;

  constructor(
    private readonly statuses: () => Iterable<TaskStatus>,
    private readonly onGone: (id: string) => void,
    private readonly options: {
      intervalMs: number;
      supervised?: () => boolean;
      /** Tasks checked besides those whose state says a worker may run. */
      alsoWatch?: (status: TaskStatus) => boolean;
      /** Tests: workers per tick, and rounds between reads of the process table. */
      workersPerTick?: number;
      processTableEvery?: number;
    },
  ) {}

  start(): this {
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private tick(): void {
    if (
      this.options.supervised &&
      (this.ticks++ % SUPERVISOR_EVERY === 0
        ? (this.supervisedNow = this.options.supervised())
        : this.supervisedNow)
    )
      return;
    const workers: Array<{ id: string; pid: number }> = [];
    for (const status of this.statuses())
      if (
        status.pid !== undefined &&
        (mayHaveWorker(status.state) || this.options.alsoWatch?.(status))
      )
        workers.push({ id: status.id, pid: status.pid });
    if (this.next >= workers.length) {
      this.next = 0;
      this.rounds++;
    }
    const thorough = this.rounds % (this.options.processTableEvery ?? PROCESS_TABLE_EVERY) === 0;
    const end = Math.min(
      workers.length,
      this.next + (this.options.workersPerTick ?? WORKERS_PER_TICK),
    );
    const gone: string[] = [];
    for (; this.next < end; this.next++) {
      const { id, pid } = workers[this.next] as { id: string; pid: number };
      if (!(thorough ? isProcessAlive(pid) : signalsAlive(pid))) gone.push(id);
    }
    for (const id of gone) this.onGone(id);
  }
}
