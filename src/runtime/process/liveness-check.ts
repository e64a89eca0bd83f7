import type { TaskStatus } from '../../core/status/task-status.js';
import { isProcessAlive } from './process-info.js';
import { mayHaveWorker } from '../../core/status/state-groups.js';

/** How many cheap ticks pass between thorough checks (zombies, reused pids, a supervisor). */
const THOROUGH_EVERY = 10;

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
 * file changes). Most ticks cost one kill(pid, 0) per running worker; every tenth also reads the
 * process table, which sees zombies and reused pids. A reader that knows a supervisor is running
 * can skip its own checks: the supervisor records such a death in the task's history, which the
 * reader's file watch then sees.
 */
export class LivenessCheck {
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private supervisedNow = false;

  constructor(
    private readonly statuses: () => Iterable<TaskStatus>,
    private readonly onGone: (id: string) => void,
    private readonly options: {
      intervalMs: number;
      supervised?: () => boolean;
      /** Tasks checked besides those whose state says a worker may run. */
      alsoWatch?: (status: TaskStatus) => boolean;
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
    const thorough = this.ticks++ % THOROUGH_EVERY === 0;
    if (
      this.options.supervised &&
      (thorough ? (this.supervisedNow = this.options.supervised()) : this.supervisedNow)
    )
      return;
    for (const status of this.statuses()) {
      if (status.pid === undefined) continue;
      if (!mayHaveWorker(status.state) && !this.options.alsoWatch?.(status)) continue;
      const alive = thorough ? isProcessAlive(status.pid) : signalsAlive(status.pid);
      if (!alive) this.onGone(status.id);
    }
  }
}
