import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ASK_LEASE_RENEW_MS,
  askLeaseName,
  askStartName,
  isLeaseFresh,
} from '../../core/ipc/ask-wait.js';
import { unlinkQuietly, writeFileAtomic, writeFileExclusive } from '../fs/atomic-write.js';
import { lstatQuietly, refuseSymlink } from '../fs/no-follow.js';

/**
 * The lease of a waiting `dispatch ask`: `asking/NNN.waiting` in the task folder, rewritten every
 * few seconds while it waits for question NNN. When it returns with the answer or gives up it
 * removes the lease; when only its slice ended it leaves the lease to go stale on its own, since
 * the worker runs the same command again within moments and waits on. `dispatch answer`
 * reads only its age, to tell the user whether someone reads the answer now; the file is data
 * and never names a process to signal. It lives outside ipc/ (the worker contract's folder) and
 * in a folder of its own, so renewing it does not wake the watchers of the task folder.
 */

function askingDir(taskDir: string): string {
  const dir = join(taskDir, 'asking');
  refuseSymlink(dir);
  return dir;
}

/**
 * When this attempt's worker began to wait for question `seq`: `asking/NNN.attempt-A`, created
 * once by its first `dispatch ask` for the question. The fallback time counts from there, so a
 * worker that asks again waits only what is left, while a new worker (a retry) asking the same
 * question waits the whole time again.
 */
export function waitStartMs(taskDir: string, seq: number, attempt: string): number {
  const dir = askingDir(taskDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, askStartName(seq, attempt));
  writeFileExclusive(path, `${new Date().toISOString()}\n`, { mode: 0o600 });
  return lstatQuietly(path)?.mtimeMs ?? Date.now();
}

/**
 * Holds the lease for question `seq` until the returned release is called: with `keep`, the
 * lease stops being renewed but stays until it is stale.
 */
export function holdAskLease(taskDir: string, seq: number): (keep?: boolean) => void {
  const dir = askingDir(taskDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, askLeaseName(seq));
  const renew = () => {
    try {
      writeFileAtomic(path, `${new Date().toISOString()}\n`, { mode: 0o600 });
    } catch {
      // A lease that cannot be renewed goes stale: the answer then says the worker is not waiting,
      // which only ever understates; the wait itself goes on.
    }
  };
  renew();
  const timer = setInterval(renew, ASK_LEASE_RENEW_MS);
  timer.unref();
  // A CLI's shell tool that gives up on the command kills it (opencode at its limit): the lease
  // goes with it, then the signal takes its usual course.
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    process.kill(process.pid, signal);
  };
  const release = (keep = false) => {
    clearInterval(timer);
    for (const signal of RELEASE_SIGNALS) process.removeListener(signal, onSignal);
    if (!keep) unlinkQuietly(path);
  };
  for (const signal of RELEASE_SIGNALS) process.once(signal, onSignal);
  return release;
}

const RELEASE_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** Whether a `dispatch ask` is waiting for question `seq` of the task right now. */
export function isAskWaiting(taskDir: string, seq: number, nowMs = Date.now()): boolean {
  const stat = lstatQuietly(join(taskDir, 'asking', askLeaseName(seq)));
  return stat?.isFile() === true && isLeaseFresh(stat.mtimeMs, nowMs);
}
