import type { Clock, TimerHandle } from '../../src/runtime/clock.js';

interface Timer {
  id: number;
  due: number;
  callback: () => void;
  everyMs?: number;
}

/**
 * A clock that moves only when the test says so. Starts at the real time (file modification
 * times, which the supervisor reads as activity, are real) and fires due timers in order on
 * `advance`.
 */
export class ManualClock implements Clock {
  private current = Date.now();
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, Math.max(1, ms));
  }

  clear(timer: TimerHandle): void {
    this.timers.delete(timer as number);
  }

  /** Timers that would fire if time moved on, soonest first: what the code under test armed. */
  pending(): number[] {
    return [...this.timers.values()].map((timer) => timer.due - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = [...this.timers.values()]
        .filter((timer) => timer.due <= end)
        .sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.current = Math.max(this.current, next.due);
      if (next.everyMs === undefined) this.timers.delete(next.id);
      else next.due += next.everyMs;
      next.callback();
    }
    this.current = end;
  }

  private add(callback: () => void, ms: number, everyMs?: number): number {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), callback, everyMs });
    return id;
  }
}
