import { ASK_AGAIN_EXIT_CODE } from '../core/ipc/ask-wait.js';
import type { ErrorCode } from '../core/errors.js';

/**
 * The one table of exit codes. `dispatch wait` exits 0 when a question or a completion needs the
 * user (as the original monitor did), 1 when its timeout passes, 3 when a task failed, timed out,
 * was cancelled or could not start, 11 when the only trouble is a verify command that failed.
 */
export const EXIT = {
  ok: 0,
  timeout: 1,
  usage: 2,
  taskFailed: 3,
  notFound: 4,
  config: 5,
  state: 6,
  backend: 7,
  unhealthy: 8,
  untrusted: 9,
  fileSystem: 10,
  verifyFailed: 11,
  internal: 70,
  /** `dispatch ask`: no answer yet; the same command again keeps waiting. */
  askAgain: ASK_AGAIN_EXIT_CODE,
} as const;

const BY_ERROR_CODE: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  'invalid-id': EXIT.usage,
  config: EXIT.config,
  'not-found': EXIT.notFound,
  conflict: EXIT.state,
  state: EXIT.state,
  plan: EXIT.usage,
  backend: EXIT.backend,
  timeout: EXIT.timeout,
  io: EXIT.fileSystem,
  untrusted: EXIT.untrusted,
};

export function exitCodeFor(code: ErrorCode): number {
  return BY_ERROR_CODE[code];
}

export const EXIT_CODE_HELP = `Exit codes:
  0  success (for wait: a question or a completion needs you)
  1  timed out (wait --timeout; ask: no answer within the fallback time)
  2  usage error (bad flag, bad task id, bad plan)
  3  a task failed, timed out, was cancelled or could not start (wait)
  4  no such task (for wait: a task's folder was removed while waiting)
  5  configuration error (doctor too, when the config file cannot be used)
  6  the task's state does not allow it (already answered, already finished)
  7  the worker CLI could not be started
  8  dispatch doctor found problems
  9  refused: a task not created by you, or a folder or key someone else could write
  10 a file could not be used: disk full, read-only file system, I/O error, too many open
     files, or a symbolic link inside .dispatch/ (the message names the file)
  11 a task's worker finished but its verify command failed (wait; docs/verify.md)
  75 ask: no answer yet; run the same command again to keep waiting`;
