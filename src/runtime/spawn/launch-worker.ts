import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DispatchError } from '../../core/errors.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { backendFor } from '../backends/backend-registry.js';
import { PACKAGE_BIN } from '../package-paths.js';
import type { TaskFiles } from '../paths.js';
import { processStartTime } from '../process/process-info.js';
import { tryLock } from '../lock/file-lock.js';
import { readEvents } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';
import { launchRelay } from '../nodes/launch-relay.js';
import { logFilterCommand } from './log-filter-command.js';
import { WRAPPER_NAME, workerWrapperScript } from './worker-wrapper.js';

export interface LaunchResult {
  pid: number;
  startTime: string | null;
}

/** The command and arguments a task's worker runs with, the prompt last. */
export function workerInvocation(meta: TaskMeta, prompt: string, taskDir?: string) {
  return backendFor(meta.backendType as Parameters<typeof backendFor>[0]).invocation({
    command: meta.command,
    modelId: meta.modelId,
    passModel: meta.passModel,
    prompt,
    taskDir,
  });
}

/**
 * Starts the worker of one attempt, detached in its own process group (so cancel can stop it and
 * all it started), stdin from /dev/null (several agent CLIs hang on an open stdin), stdout and
 * stderr appended to worker.log (stdout through the log filter when the CLI prints JSON events).
 * Records the `spawned` event with pid and process start time. Returns undefined when another
 * process is already starting this attempt.
 */
export function launchWorker(
  store: TaskStore,
  meta: TaskMeta,
  attempt: number,
): LaunchResult | undefined {
  const files: TaskFiles = store.files(meta.id);
  // The CLI, the supervisor and a resume may all decide to start the same attempt: an exclusive
  // claim per attempt lets exactly one of them do it. The claim of a process that died before
  // spawning is stale and taken over.
  if (!tryLock(join(files.taskDir, `.attempt-${attempt}.claim`))) return undefined;
  // A claim whose owner has exited looks stale even when that owner did start the worker.
  if (readEvents(files).some((e) => e.type === 'spawned' && e.attempt === attempt))
    return undefined;
  // A task dispatched to a queue runs on a worker node: its local process is the relay.
  if (meta.queue) return launchRelay(store, meta, attempt);
  const promptFile = files.prompt(attempt);
  const prompt = readFileSync(promptFile, 'utf8');
  const cwd = meta.worktree?.path ?? meta.cwd;
  if (!existsSync(cwd)) {
    const error = `working directory ${cwd} does not exist`;
    store.appendEvent(meta.id, { type: 'spawn-failed', attempt, error });
    throw new DispatchError('state', `cannot start ${meta.id}: ${error}`, {
      hint: 'Recreate the folder or dispatch the task again with --cwd.',
    });
  }
  const { command, args, jsonEvents } = workerInvocation(meta, prompt, files.taskDir);
  const filter = jsonEvents ? logFilterCommand(meta.backendType, attempt) : undefined;
  const log = openSync(files.log, 'a', 0o600);
  writeSync(
    log,
    `--- agent-dispatch: attempt ${attempt}, ${meta.backend} (${meta.model}), ${new Date().toISOString()} ---\n`,
  );
  let child;
  try {
    child = spawn('/bin/sh', ['-c', workerWrapperScript(command, filter), WRAPPER_NAME, ...args], {
      cwd,
      detached: true,
      stdio: ['ignore', log, log],
      env: workerEnv(store.env, files, meta, attempt),
    });
  } catch (error) {
    closeSync(log);
    const message = (error as Error).message;
    store.appendEvent(meta.id, { type: 'spawn-failed', attempt, error: message });
    throw new DispatchError('backend', `cannot start the worker of ${meta.id}: ${message}`, {
      hint:
        (error as NodeJS.ErrnoException).code === 'E2BIG'
          ? 'The prompt is too long for one argument (128 KiB): shorten the request and put long context in a file the plan points to.'
          : undefined,
    });
  }
  closeSync(log);
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
  const startTime = processStartTime(pid);
  store.appendEvent(meta.id, {
    type: 'spawned',
    attempt,
    pid,
    startTime,
    model: meta.model,
    backend: meta.backend,
    prompt: files.prompt(attempt).slice(files.taskDir.length + 1),
  });
  return { pid, startTime };
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
