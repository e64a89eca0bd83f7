import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { backendOfTask } from '../../core/backends/backend-registry.js';
import { DispatchError } from '../../core/errors.js';
import { boundText } from '../../core/task/bound-text.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { sessionToResume } from '../../core/task/worker-session.js';
import { PACKAGE_BIN } from '../package-paths.js';
import type { TaskFiles } from '../paths.js';
import { isProcessAlive } from '../process/process-info.js';
import { findAttemptProcess } from '../process/attempt-process.js';
import { readLockOwner, tryLock } from '../lock/file-lock.js';
import { assertTrusted } from '../trust/task-trust.js';
import { readEvents } from '../store/read-snapshot.js';
import { readFileNoFollow } from '../store/read-text.js';
import { refuseSymlink } from '../fs/no-follow.js';
import type { TaskStore } from '../store/task-store.js';
import { launchRelay } from '../nodes/launch-relay.js';
import { logFilterCommand } from './log-filter-command.js';
import { workerInvocation } from './worker-invocation.js';
import { worktreeGitDirs } from '../worktree/git-dirs.js';
import { prepareIsolatedHome } from './isolated-home.js';
import { spawnWrapper, type WrapperLaunch, type WrapperOutcome } from './spawn-wrapper.js';
import { WRAPPER_NAME, workerWrapperScript } from './worker-wrapper.js';

export interface LaunchResult {
  pid: number;
  startTime: string | null;
}

/**
 * What deciding to start an attempt comes to: nothing to do (another process is starting it, or
 * it already started: undefined), a relay already started, or a worker wrapper to spawn.
 */
export type PreparedLaunch =
  { spawn: false; result: LaunchResult | undefined } | { spawn: true; launch: WrapperLaunch };

/**
 * Starts the worker of one attempt, detached in its own process group (so cancel can stop it and
 * all it started), stdout and stderr appended to worker.log (stdout through the log filter when the CLI prints JSON events).
 * Standard input is the attempt's prompt file for a CLI that reads its prompt there (any user can
 * read a process's arguments), else /dev/null (several agent CLIs hang on an open stdin).
 * Records the `spawned` event with pid and process start time. Returns undefined when another
 * process is already starting this attempt.
 */
export function launchWorker(
  store: TaskStore,
  meta: TaskMeta,
  attempt: number,
): LaunchResult | undefined {
  const prepared = prepareLaunch(store, meta, attempt);
  if (!prepared.spawn) return prepared.result;
  return finishLaunch(store, meta, attempt, spawnWrapper(prepared.launch));
}

/**
 * Everything of a start up to the spawn itself: the trust check, the attempt's claim (held by
 * this process from here on), the working folder, the command line. The spawn happens here
 * (launchWorker) or in the launcher process (launcher-client.ts); either way finishLaunch follows.
 */
export function prepareLaunch(store: TaskStore, meta: TaskMeta, attempt: number): PreparedLaunch {
  const files: TaskFiles = store.files(meta.id);
  // Not even the attempt's claim is made through a task folder that is a link.
  refuseSymlink(files.taskDir);
  // The one place a worker starts: whatever led here, a record the user did not sign never runs.
  assertTrusted(meta.id, files, meta, [], 'start', store.env);
  // The CLI, the supervisor and a resume may all decide to start the same attempt: an exclusive
  // claim per attempt lets exactly one of them do it, and it is the only authority: the history
  // may lack the `spawned` record (its writer died, or tore the line). A claim whose owner died is
  // taken over only when that owner provably started nothing; a worker it did start is adopted.
  const claim = join(files.taskDir, `.attempt-${attempt}.claim`);
  if (!tryLock(claim, { mayTakeOver: () => !attemptBegun(files, attempt) })) {
    adoptOrphan(store, meta, files, attempt);
    return { spawn: false, result: undefined };
  }
  if (attemptRecorded(files, attempt)) return { spawn: false, result: undefined };
  // A task dispatched to a queue runs on a worker node: its local process is the relay.
  if (meta.queue) return { spawn: false, result: launchRelay(store, meta, attempt) };
  const promptFile = files.prompt(attempt);
  const cwd = meta.worktree?.path ?? meta.cwd;
  if (!existsSync(cwd)) {
    const error = `working directory ${cwd} does not exist`;
    store.appendEvent(meta.id, { type: 'spawn-failed', attempt, error: boundText(error) });
    throw new DispatchError('state', `cannot start ${meta.id}: ${error}`, {
      hint: 'Recreate the folder or dispatch the task again with --cwd.',
    });
  }
  const backend = backendOfTask(meta.backendType);
  const onStdin = backend.promptInput === 'stdin';
  let isolated: Record<string, string> = {};
  if (meta.isolate && backend.isolation) {
    try {
      isolated = prepareIsolatedHome(files.taskDir, backend.isolation, store.env);
    } catch (error) {
      const message = (error as Error).message;
      store.appendEvent(meta.id, { type: 'spawn-failed', attempt, error: boundText(message) });
      throw error;
    }
  }
  // The command comes from the verified task.json and the backend's descriptor; only the session
  // id comes from the history, and it is checked again to be a plain token (one argument).
  const { command, args, jsonEvents } = workerInvocation(
    meta,
    onStdin ? '' : readFileNoFollow(promptFile),
    files.taskDir,
    sessionToResume(readEvents(files), attempt),
    meta.worktree ? worktreeGitDirs(meta.worktree.path) : [],
  );
  const filter = jsonEvents ? logFilterCommand(meta.backendType, attempt) : undefined;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    ...workerEnv(store.env, files, meta, attempt),
    ...isolated,
  }))
    if (value !== undefined) env[name] = value;
  return {
    spawn: true,
    launch: {
      taskDir: files.taskDir,
      args: ['-c', workerWrapperScript(command, filter), WRAPPER_NAME, ...args],
      cwd,
      env,
      ...(onStdin ? { stdin: promptFile } : {}),
      log: files.log,
      events: files.events,
      header: `--- agent-dispatch: attempt ${attempt}, ${meta.backend} (${meta.model}), ${new Date().toISOString()} ---\n`,
      spawned: {
        type: 'spawned',
        attempt,
        model: meta.model,
        backend: meta.backend,
        prompt: promptFile.slice(files.taskDir.length + 1),
      },
    },
  };
}

/**
 * What a spawn came to: the started worker (its `spawned` record written by the spawner), or a
 * `spawn-failed` record and the error, worded as the user sees it.
 */
export function finishLaunch(
  store: TaskStore,
  meta: TaskMeta,
  attempt: number,
  outcome: WrapperOutcome,
): LaunchResult {
  if ('pid' in outcome) return outcome;
  if (outcome.failed === 'open') {
    throw outcome.cause ?? new DispatchError('io', outcome.message, { hint: outcome.hint });
  }
  store.appendEvent(meta.id, {
    type: 'spawn-failed',
    attempt,
    error: boundText(outcome.message),
  });
  throw new DispatchError('backend', `cannot start the worker of ${meta.id}: ${outcome.message}`, {
    hint:
      outcome.code === 'E2BIG'
        ? 'The prompt is too long for one argument (128 KiB): shorten the request and put long context in a file the plan points to.'
        : outcome.code === undefined
          ? 'Check that /bin/sh exists and the process limit is not reached.'
          : undefined,
  });
}

/**
 * After a spawn handed to the launcher was lost with it (the launcher died before answering; the
 * claim is still this process's): whether the attempt started anyway. A worker that runs without
 * its `spawned` record is adopted; false means nothing of it ran, and it may be spawned again.
 */
export function lostSpawnStarted(store: TaskStore, meta: TaskMeta, attempt: number): boolean {
  const files = store.files(meta.id);
  if (attemptRecorded(files, attempt)) return true;
  const running = findAttemptProcess(files.taskDir, attempt);
  // Where the process table cannot be searched, a second start is never risked.
  if (running === null) return true;
  if (!running) return false;
  recordAdopted(store, meta, files, attempt, running);
  return true;
}

/** Writes the `spawned` record of a worker found running without one. */
function recordAdopted(
  store: TaskStore,
  meta: TaskMeta,
  files: TaskFiles,
  attempt: number,
  running: { pid: number; startTime: string | null },
): void {
  store.appendEvent(meta.id, {
    type: 'spawned',
    attempt,
    pid: running.pid,
    startTime: running.startTime,
    model: meta.model,
    backend: meta.backend,
    prompt: files.prompt(attempt).slice(files.taskDir.length + 1),
  });
}

/** Whether the history shows the attempt started (or failed to). */
function attemptRecorded(files: TaskFiles, attempt: number): boolean {
  return readEvents(files).some(
    (e) =>
      (e.type === 'spawned' || e.type === 'exited' || e.type === 'spawn-failed') &&
      e.attempt === attempt,
  );
}

/**
 * Whether the attempt may have started: recorded, or a process of it runs. Where the process
 * table cannot be searched, the log header its starter wrote just before spawning counts.
 */
function attemptBegun(files: TaskFiles, attempt: number): boolean {
  if (attemptRecorded(files, attempt)) return true;
  const running = findAttemptProcess(files.taskDir, attempt);
  if (running !== null) return running !== undefined;
  try {
    return readFileNoFollow(files.log).includes(`--- agent-dispatch: attempt ${attempt},`);
  } catch {
    return false;
  }
}

/**
 * Records the `spawned` event its starter never wrote for a worker that runs: the starter died
 * between spawning and recording (or tore the line). One adopter only, by its own claim.
 */
function adoptOrphan(store: TaskStore, meta: TaskMeta, files: TaskFiles, attempt: number): void {
  const owner = readLockOwner(join(files.taskDir, `.attempt-${attempt}.claim`));
  if (owner && isProcessAlive(owner.pid, owner.startTime)) return;
  if (attemptRecorded(files, attempt)) return;
  const running = findAttemptProcess(files.taskDir, attempt);
  if (!running) return;
  const adopt = tryLock(join(files.taskDir, `.attempt-${attempt}.adopted`), {
    mayTakeOver: () => !attemptRecorded(files, attempt),
  });
  if (!adopt) return;
  try {
    if (attemptRecorded(files, attempt)) return;
    recordAdopted(store, meta, files, attempt, running);
  } finally {
    adopt();
  }
}

function workerEnv(
  base: NodeJS.ProcessEnv,
  files: TaskFiles,
  meta: TaskMeta,
  attempt: number,
): NodeJS.ProcessEnv {
  const env = { ...base };
  // A worker started from inside Claude Code must not believe it is nested in that session.
  delete env.CLAUDECODE;
  delete env.CLAUDE_CODE_ENTRYPOINT;
  return {
    ...env,
    DISPATCH_TASK_DIR: files.taskDir,
    DISPATCH_TASK_ID: meta.id,
    DISPATCH_ATTEMPT: String(attempt),
    PATH: [PACKAGE_BIN.replace(/\/$/, ''), env.PATH ?? ''].filter(Boolean).join(delimiter),
  };
}
