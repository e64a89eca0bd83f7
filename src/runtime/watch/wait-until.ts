/**
 * The one way the program waits for something: check at once, then again on every event that
 * may have changed the answer (and on a slow poll where events can be missed), until the check
 * gives a value, the timeout passes or the caller aborts.
 */

/** The longest delay a Node.js timer holds; a longer one fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WaitUntilOptions {
  /** Subscribes `wake` to what may change the answer (file events); returns the unsubscribe. */
  wake?: (wake: () => void) => () => void;
  /** Also checks this often, as a safety net where events can be missed. */
  pollMs?: number;
  /** Gives up after this long, however long (undefined: never). */
  timeoutMs?: number;
  /** Ends the wait early: it rejects with the signal's reason. */
  signal?: AbortSignal;
}

export type WaitUntilResult<T> = { kind: 'ready'; value: T } | { kind: 'timeout' };

/**
 * Calls `fire` once `ms` have passed. A delay longer than a Node.js timer holds is waited in
 * parts, so `dispatch ask --timeout 3000000` waits 35 days instead of 1 ms. Returns the cancel.
 */
export function after(ms: number, fire: () => void): () => void {
  const deadline = Date.now() + Math.max(0, ms);
  let timer: NodeJS.Timeout;
  const arm = (delay: number) => {
    timer = setTimeout(
      () => {
        const left = deadline - Date.now();
        if (left > 0) arm(left);
        else fire();
      },
      Math.min(delay, MAX_TIMER_MS),
    );
  };
  arm(Math.max(0, ms));
  return () => clearTimeout(timer);
}

/** Resolves with the first value `check` gives (a thrown check rejects), or with a timeout. */
export function waitUntil<T>(
  check: () => T | undefined,
  options: WaitUntilOptions = {},
): Promise<WaitUntilResult<T>> {
  return new Promise((resolve, reject) => {
    const stops: (() => void)[] = [];
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      for (const stop of stops) stop();
      settle();
    };
    const hold = (stop: () => void) => (settled ? stop() : stops.push(stop));
    const attempt = () => {
      if (settled) return;
      try {
        const value = check();
        if (value !== undefined) finish(() => resolve({ kind: 'ready', value }));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    const { signal } = options;
    if (signal?.aborted) return reject(signal.reason);
    attempt();
    if (settled) return;
    if (signal) {
      const onAbort = () => finish(() => reject(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      hold(() => signal.removeEventListener('abort', onAbort));
    }
    if (options.timeoutMs !== undefined)
      hold(after(options.timeoutMs, () => finish(() => resolve({ kind: 'timeout' }))));
    if (options.pollMs !== undefined) {
      const poll = setInterval(attempt, options.pollMs);
      hold(() => clearInterval(poll));
    }
    if (options.wake) {
      try {
        hold(options.wake(attempt));
      } catch (error) {
        // A watch that cannot start ends the wait, and the timers with it.
        finish(() => reject(error));
        return;
      }
      // What changed between the first check and the subscription would otherwise be missed.
      attempt();
    }
  });
}
