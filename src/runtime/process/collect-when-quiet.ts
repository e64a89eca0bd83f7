import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's full collection, or undefined where it cannot be had (another engine, a locked-down VM). */
function fullCollection(): (() => void) | undefined {
  try {
    // The flag exposes `gc` to contexts made after it is set: a new one hands the function over.
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One full garbage collection once a process has been quiet for a while after a burst of work.
 * V8 collects when a process allocates, and a process that sits idle for hours (the supervisor
 * with a thousand tasks waiting on questions, `dispatch wait` once armed) hardly does: the heap
 * the burst grew stays resident, with the garbage in it. Collecting once, at the end of the burst,
 * gives that memory back for the hours of waiting: about 3 MiB of `dispatch wait` over 1,000
 * tasks, 1 MiB of the supervisor's.
 * It costs one pause of a few milliseconds in a process with nothing else to do.
 */
export class CollectWhenQuiet {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  /** @param collect the collection itself: V8's full one unless a test counts calls instead. */
  constructor(
    private readonly quietMs: number,
    private readonly collect: (() => void) | undefined = fullCollection(),
  ) {}

  /** Work happened: the collection waits until quietMs pass without any. */
  activity(): void {
    if (!this.collect) return;
    this.last = Date.now();
    this.timer ??= this.arm(this.quietMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): NodeJS.Timeout {
    // Never what keeps a process alive.
    return setTimeout(() => {
      const quietFor = Date.now() - this.last;
      if (quietFor < this.quietMs) {
        this.timer = this.arm(this.quietMs - quietFor);
        return;
      }
      this.timer = undefined;
      this.collect?.();
    }, delayMs).unref();
  }
}
