import { spawn } from 'node:child_process';
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { DispatchError } from '../../core/errors.js';
import { APPEND_FLAGS, READ_FLAGS, openNoFollow, refuseSymlink } from '../fs/no-follow.js';
import { fileSystemError } from '../fs/file-error.js';
import { processStartTime } from '../process/process-info.js';
import { EVENTS_FD } from './worker-wrapper.js';

/**
 * Everything needed to start one worker wrapper, decided beforehand by whoever checked the task
 * (launch-worker.ts): plain data, so the spawn can happen in this process or in the launcher
 * (bin/launcher.ts), which receives it over a pipe.
 */
export interface WrapperLaunch {
  taskDir: string;
  /** Arguments of /bin/sh: `-c`, the wrapper script, $0, then the worker's own arguments. */
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The prompt file, for a CLI that reads its prompt on standard input; else /dev/null. */
  stdin?: string;
  log: string;
  events: string;
  /** The line written to worker.log just before the spawn. */
  header: string;
  /** The `spawned` record, completed with pid, start time and time once the wrapper runs. */
  spawned: Record<string, unknown>;
}

export type WrapperOutcome =
  | { pid: number; startTime: string | null }
  | {
      /** `open`: a file could not be opened or written; `spawn`: the system refused the process. */
      failed: 'open' | 'spawn';
      message: string;
      hint?: string;
      code?: string;
      /** The error itself, in this process only (never sent over the launcher's pipe). */
      cause?: unknown;
    };

/**
 * Opens the wrapper's files (never through a symbolic link: the wrapper reads and writes them
 * through these descriptors, never through a path), writes the log header, starts `/bin/sh`
 * detached in its own process group, and appends the `spawned` record right after, through the
 * same descriptor, so the process that spawned is the one that records it. Never throws.
 */
export function spawnWrapper(launch: WrapperLaunch): WrapperOutcome {
  const opened: number[] = [];
  const closeAll = () => opened.forEach((fd) => closeSync(fd));
  let input: number | 'ignore' = 'ignore';
  let log: number;
  let events: number;
  try {
    refuseSymlink(launch.taskDir);
    if (launch.stdin !== undefined) opened.push((input = openNoFollow(launch.stdin, READ_FLAGS)));
    opened.push((log = openNoFollow(launch.log, APPEND_FLAGS)));
    opened.push((events = openNoFollow(launch.events, APPEND_FLAGS)));
    try {
      writeSync(log, launch.header);
    } catch (error) {
      throw fileSystemError(error, launch.log);
    }
  } catch (error) {
    closeAll();
    return openFailure(error);
  }
  const stdio: ('ignore' | number)[] = [input, log, log];
  while (stdio.length < EVENTS_FD) stdio.push('ignore');
  stdio.push(events);
  let pid: number | undefined;
  try {
    const child = spawn('/bin/sh', launch.args, {
      cwd: launch.cwd,
      detached: true,
      stdio,
      env: launch.env,
    });
    child.on('error', () => undefined);
    child.unref();
    pid = child.pid;
  } catch (error) {
    closeAll();
    const { message, code } = error as NodeJS.ErrnoException;
    return { failed: 'spawn', message, code, cause: error };
  }
  if (pid === undefined) {
    closeAll();
    return { failed: 'spawn', message: 'the system could not start /bin/sh' };
  }
  const startTime = processStartTime(pid);
  try {
    appendLine(events, { ...launch.spawned, pid, startTime, time: new Date().toISOString() });
  } catch {
    // The worker runs: whoever reads the history next adopts it (launch-worker.ts).
  }
  closeAll();
  return { pid, startTime };
}

/** One O_APPEND write; a line torn by a crash before it stays alone on its line. */
function appendLine(fd: number, record: Record<string, unknown>): void {
  const line = `${JSON.stringify(record)}\n`;
  const size = fstatSync(fd).size;
  const last = Buffer.alloc(1);
  const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
  writeSync(fd, torn ? `\n${line}` : line);
}

function openFailure(error: unknown): WrapperOutcome {
  const { message, code } = error as NodeJS.ErrnoException;
  return {
    failed: 'open',
    message,
    ...(error instanceof DispatchError && error.hint ? { hint: error.hint } : {}),
    ...(code ? { code } : {}),
    cause: error,
  };
}
