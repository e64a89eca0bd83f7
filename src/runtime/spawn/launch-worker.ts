import { spawn } from 'node:child_process';
import { closeSync, existsSync, writeSync } from 'node:fs';
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
import { APPEND_FLAGS, READ_FLAGS, openNoFollow, refuseSymlink } from '../fs/no-follow.js';
import { fileSystemError } from '../fs/file-error.js';
import type { TaskStore } from '../store/task-store.js';
import { launchRelay } from '../nodes/launch-relay.js';
import { logFilterCommand } from './log-filter-command.js';
import { workerInvocation } from './worker-invocation.js';
import { worktreeGitDirs } from '../worktree/git-dirs.js';
import { prepareIsolatedHome } from './isolated-home.js';
import { recordSpawned } from './record-spawned.js';
import { EVENTS_FD, WRAPPER_NAME, workerWrapperScript } from './worker-wrapper.js';

export interface LaunchResult {
  pid: number;
  startTime: string | null;
}

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
    return undefined;
  }
  if (attemptRecorded(files, attempt)) return undefined;
  // A task dispatched to a queue runs on a worker node: its local process is the relay.
  if (meta.queue) return launchRelay(store, meta, attempt);
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
  // Neither the prompt, the log nor events.jsonl is ever opened through a symbolic link; the
  // wrapper reads and writes them through these descriptors, never through a path.
  const opened: number[] = [];
  const closeAll = () => opened.forEach((fd) => closeSync(fd));
  let input: number | 'ignore' = 'ignore';
  let log: number;
  let events: number;
  try {
    if (onStdin) opened.push((input = openNoFollow(promptFile, READ_FLAGS)));
    opened.push((log = openNoFollow(files.log, APPEND_FLAGS)));
    opened.push((events = openNoFollow(files.events, APPEND_FLAGS)));
  } catch (error) {
    closeAll();
    throw error;
  }
  try {
    writeSync(
      log,
      `--- agent-dispatch: attempt ${attempt}, ${meta.backend} (${meta.model}), ${new Date().toISOString()} ---\n`,
    );
  } catch (error) {
    closeAll();
    throw fileSystemError(error, files.log);
  }
  const stdio: ('ignore' | number)[] = [input, log, log];
  while (stdio.length < EVENTS_FD) stdio.push('ignore');
  stdio.push(events);
  let child;
  try {
    child = spawn('/bin/sh', ['-c', workerWrapperScript(command, filter), WRAPPER_NAME, ...args], {
      cwd,
      detached: true,
      stdio,
      env: { ...workerEnv(store.env, files, meta, attempt), ...isolated },
    });
  } catch (error) {
    closeAll();
    const message = (error as Error).message;
    store.appendEvent(meta.id, { type: 'spawn-failed', attempt, error: boundText(message) });
    throw new DispatchError('backend', `cannot start the worker of ${meta.id}: ${message}`, {
      hint:
        (error as NodeJS.ErrnoException).code === 'E2BIG'
          ? 'The prompt is too long for one argument (128 KiB): shorten the request and put long context in a file the plan points to.'
          : undefined,
    });
  }
  closeAll();
  child.on('error', () => undefined);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    store.appendEvent(meta.id, {
      type: 'spawn-failed',
      attempt,
      error: 'the system could not start /bin/sh',
    });
    throw new DispatchError('backend', `cannot start the worker of ${meta.id}`, {
      hint: 'Check that /bin/sh exists and the process limit is not reached.',
    });
  }
  return recordSpawned(store, meta, files, attempt, pid);
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
    store.appendEvent(meta.id, {
      type: 'spawned',
      attempt,
      pid: running.pid,
      startTime: running.startTime,
      model: meta.model,
      backend: meta.backend,
      prompt: files.prompt(attempt).slice(files.taskDir.length + 1),
    });
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
