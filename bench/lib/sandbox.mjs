// Everything the benchmark writes lives in one temp folder: a HOME without a config (so only the
// built-in `sim` model exists and the user's config is never read), and one project per figure.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killEverythingIn, isRunning, now, sleep, start, timed, waitGone } from './proc.mjs';

export const DISPATCH_BIN = fileURLToPath(new URL('../../bin/dispatch', import.meta.url));
export const NODE = process.execPath;

export class Sandbox {
  constructor() {
    this.base = mkdtempSync(join(tmpdir(), 'dispatch-bench-'));
    this.home = join(this.base, 'home');
    mkdirSync(this.home);
    /** @type {NodeJS.ProcessEnv} */
    this.env = { ...process.env, HOME: this.home, DISPATCH_HOME: join(this.home, '.dispatch') };
    // Nothing from the caller's own dispatch session may leak in.
    for (const name of [
      'DISPATCH_ROOT',
      'DISPATCH_CONFIG',
      'DISPATCH_TASK_DIR',
      'DISPATCH_TASK_ID',
      'DISPATCH_SIM_STEP_MS',
      'DISPATCH_SUPERVISOR_IDLE_MS',
    ])
      delete this.env[name];
  }

  /**
   * A new project folder. `.dispatch/tasks` is made up front, as in a project that has used
   * dispatch before, so the root is found right there and never in a parent of the temp folder.
   */
  project(name) {
    const dir = join(this.base, name);
    mkdirSync(join(dir, '.dispatch', 'tasks'), { recursive: true });
    return dir;
  }

  /** `dispatch …` in a project, timed (see proc.start). */
  cli(project, args, extraEnv = {}) {
    return start(NODE, [DISPATCH_BIN, ...args], {
      cwd: project,
      env: { ...this.env, ...extraEnv },
    });
  }

  /** Runs `dispatch …` and fails loudly on an unexpected exit code. */
  async cliOk(project, args, expectCode = 0) {
    const run = await this.cli(project, args).done;
    if (run.code !== expectCode)
      throw new Error(`dispatch ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
    return run;
  }

  /** `node -e 0`, the floor for any Node CLI. */
  nodeFloor() {
    return timed(NODE, ['-e', '0'], { env: this.env });
  }

  /** Idempotent, and synchronous so that it can run in an 'exit' handler. */
  close() {
    if (this.closed) return;
    this.closed = true;
    killEverythingIn(this.base);
    rmSync(this.base, { recursive: true, force: true, maxRetries: 5 });
  }
}

export const taskDir = (project, id) => join(project, '.dispatch', 'tasks', id);

/** @returns {Array<Record<string, any>>} the task's history, torn lines skipped */
export function readEvents(project, id) {
  let text = '';
  try {
    text = readFileSync(join(taskDir(project, id), 'events.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
}

/** Pids of the worker wrappers (each its own process group) the task's history records. */
export function workerPids(project, id) {
  return readEvents(project, id)
    .filter((e) => e.type === 'spawned')
    .map((e) => Number(e.pid));
}

/** The supervisor's pid from `.dispatch/supervisor.lock`, if one runs. */
export function supervisorPid(project) {
  try {
    const { pid } = JSON.parse(readFileSync(join(project, '.dispatch', 'supervisor.lock'), 'utf8'));
    return typeof pid === 'number' && isRunning(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops the supervisor `dispatch run` started in a project. It is spawned detached and takes its
 * lock only once Node has started, so wait for the lock first: stopping "whatever holds the lock
 * now" could miss one still starting, which would then run on into the next measurement.
 */
export async function stopSupervisor(project) {
  const pid = await until('the supervisor to start', () => supervisorPid(project), 30_000);
  process.kill(pid, 'SIGTERM');
  await waitGone(pid);
}

/** Writes a file the way the protocol requires: a temp name in the same folder, then rename. */
export function writeAtomic(path, text) {
  const temp = `${path}.bench.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** Polls `test` every `everyMs` until it returns a truthy value. */
export async function until(what, test, timeoutMs = 60_000, everyMs = 10) {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = test();
    if (value) return value;
    if (now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Dispatches a simulated worker that hangs (idle, like an agent waiting on an answer) and
 * resolves when it has reached the hang, with ipc/ created so watchers see it from the start.
 */
export async function dispatchHangingTask(sandbox, project, id, extraArgs = []) {
  await sandbox.cliOk(project, [
    'run',
    ...extraArgs,
    '--model',
    'sim',
    '--id',
    id,
    '--item',
    'hang',
  ]);
  const log = join(taskDir(project, id), 'worker.log');
  const read = () => {
    try {
      return readFileSync(log, 'utf8');
    } catch {
      return '(no worker.log)';
    }
  };
  try {
    await until(`${id} to hang`, () => read().includes('[sim] hanging'), 120_000, 50);
  } catch (error) {
    const events = readEvents(project, id).map((e) => e.type);
    throw new Error(`${error.message}; events: ${events.join(', ')}; log: ${read().slice(-500)}`);
  }
  mkdirSync(join(taskDir(project, id), 'ipc'), { recursive: true });
}
