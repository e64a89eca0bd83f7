import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { DispatchError } from '../../core/errors.js';
import { isProcessAlive, processStartTime } from '../process/process-info.js';

/**
 * Exclusive claims through open(…, 'wx'): the file holds the owner's pid and process start time,
 * so a lock left by a dead process (or by a process whose pid was reused) is recognised as stale
 * and taken over.
 */
export interface LockOwner {
  pid: number;
  startTime: string | null;
}

export function readLockOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

export interface LockOptions {
  /** A lock held longer than this counts as stale even while its owner lives. */
  staleAfterMs?: number;
  /**
   * Asked before a lock whose owner is gone is taken over: false keeps it held for good (a claim
   * whose work its dead owner may have done).
   */
  mayTakeOver?: () => boolean;
}

function isStale(path: string, options: LockOptions): boolean {
  const stale = ownerGone(path, options.staleAfterMs);
  return stale && (options.mayTakeOver?.() ?? true);
}

function ownerGone(path: string, staleAfterMs: number | undefined): boolean {
  const owner = readLockOwner(path);
  if (!owner) {
    // Torn or empty: the owner died between create and write, or is writing right now.
    try {
      return Date.now() - statSync(path).mtimeMs > 1000;
    } catch {
      return true;
    }
  }
  if (!isProcessAlive(owner.pid, owner.startTime)) return true;
  if (staleAfterMs !== undefined) {
    try {
      return Date.now() - statSync(path).mtimeMs > staleAfterMs;
    } catch {
      return true;
    }
  }
  return false;
}

/** Takes the lock if free (or stale). Returns a release function, or undefined when held. */
export function tryLock(path: string, options: LockOptions = {}): (() => void) | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) }));
      closeSync(fd);
      return () => {
        const owner = readLockOwner(path);
        if (owner?.pid === process.pid) unlinkQuietly(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!isStale(path, options)) return undefined;
      if (!removeStale(path, options)) return undefined;
    }
  }
  return undefined;
}

/**
 * Removes a stale lock under a second, momentary lock, and only after checking again that it is
 * still stale: two processes that both saw the same stale lock cannot remove each other's new one.
 */
function removeStale(path: string, options: LockOptions): boolean {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx', 0o600);
  } catch {
    try {
      if (Date.now() - statSync(guard).mtimeMs > 2000) unlinkQuietly(guard);
    } catch {
      // gone meanwhile
    }
    return false;
  }
  closeSync(fd);
  try {
    if (isStale(path, options)) unlinkQuietly(path);
    return true;
  } finally {
    unlinkQuietly(guard);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** No one got the lock in time: nothing was done under it, so the caller may say so plainly. */
export class LockBusyError extends DispatchError {
  constructor(readonly path: string) {
    super('timeout', `${path} stayed locked by other dispatch processes; nothing was changed`, {
      hint: 'Many commands run at once: try again in a moment.',
    });
  }
}

/**
 * Takes a short-lived lock, waiting up to `timeoutMs` for other holders to finish. A holder that
 * died is taken over at once; a live one only after two minutes (it hangs), so a slow machine
 * with hundreds of callers never has two holders at a time.
 */
export function withLock<T>(path: string, timeoutMs: number, fn: () => T): T {
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    const release = tryLock(path, { staleAfterMs: 120_000 });
    if (release) {
      try {
        return fn();
      } finally {
        release();
      }
    }
    // Held by this very process (the supervisor's pass, which holds it across awaits): blocking
    // here would keep that holder from ever finishing, so the caller hears at once that it is busy.
    if (Date.now() > deadline || readLockOwner(path)?.pid === process.pid)
      throw new LockBusyError(path);
    // Randomised, so hundreds of waiters do not retry in step.
    Atomics.wait(sleeper, 0, 0, wait * (0.5 + Math.random()));
    wait = Math.min(wait * 2, 50);
  }
}

/**
 * withLock for a caller that holds the lock across awaits (the supervisor's scheduling pass): it
 * waits for other holders without blocking its event loop, and returns the release function.
 */
export async function acquireLock(path: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    const release = tryLock(path, { staleAfterMs: 120_000 });
    if (release) return release;
    if (Date.now() > deadline) throw new LockBusyError(path);
    await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
    wait = Math.min(wait * 2, 50);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
