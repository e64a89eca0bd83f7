/** A timer handle of whatever clock made it. */
export type TimerHandle = { unref?: () => unknown } | number | object;

/**
 * Time as the long-lived parts of the runtime see it. The system clock in production; tests give
 * a manual clock, so a one-hour inactivity limit or a heartbeat can be checked without waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clear(timer: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  setInterval: (callback, ms) => setInterval(callback, ms),
  // clearTimeout clears intervals too (one timer type in Node).
  clear: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
