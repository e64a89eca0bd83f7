import { spawn } from 'node:child_process';
import { closeSync, statSync } from 'node:fs';
import { APPEND_FLAGS, openNoFollow } from '../fs/no-follow.js';
import { heartbeatStaleMs } from './heartbeat.js';
import { readLockOwner } from '../lock/file-lock.js';
import { SUPERVISOR_ENTRY } from '../package-paths.js';
import { SMALL_YOUNG_GENERATION } from '../process/young-generation.js';
import { isProcessAlive } from '../process/process-info.js';
import type { TaskStore } from '../store/task-store.js';

export interface SupervisorState {
  running: boolean;
  pid: number | undefined;
  /** Its process exists but its heartbeat stopped this many ms ago (hung or stopped). */
  silentMs?: number;
}

export function supervisorState(store: TaskStore): SupervisorState {
  const lock = store.paths.supervisorLock;
  const owner = readLockOwner(lock);
  if (!owner || !isProcessAlive(owner.pid, owner.startTime))
    return { running: false, pid: undefined };
  let silentMs = 0;
  try {
    silentMs = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return { running: false, pid: undefined };
  }
  if (silentMs > heartbeatStaleMs(store.env)) return { running: false, pid: owner.pid, silentMs };
  return { running: true, pid: owner.pid };
}

/**
 * Ends a supervisor that no longer beats, so it cannot wake up and supervise next to its
 * successor. Only the process the lock names, with the start time it recorded, is signalled.
 */
function replaceHung(store: TaskStore, state: SupervisorState): void {
  const lock = store.paths.supervisorLock;
  const owner = readLockOwner(lock);
  if (!owner || owner.pid !== state.pid || !isProcessAlive(owner.pid, owner.startTime)) return;
  try {
    process.kill(owner.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/**
 * Starts the root's supervisor unless one runs. It is detached and outlives the caller; if two
 * callers race, the supervisors' own lock lets exactly one of them stay.
 */
export function ensureSupervisor(store: TaskStore): SupervisorState {
  const state = supervisorState(store);
  if (state.running) return state;
  if (state.silentMs !== undefined) replaceHung(store, state);
  store.ensureRoot();
  const log = openNoFollow(store.paths.supervisorLog, APPEND_FLAGS);
  try {
    const child = spawn(process.execPath, [SMALL_YOUNG_GENERATION, SUPERVISOR_ENTRY, store.root], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: store.paths.project,
      env: { ...supervisorEnv(store.env), DISPATCH_ROOT: store.root },
    });
    child.on('error', () => undefined);
    child.unref();
    return { running: true, pid: child.pid };
  } finally {
    closeSync(log);
  }
}

/**
 * The supervisor outlives the worker whose `dispatch` may have started it: it must not carry that
 * worker's marker, by which a task's leftover processes are found and stopped.
 */
function supervisorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of ['DISPATCH_TASK_DIR', 'DISPATCH_TASK_ID', 'DISPATCH_ATTEMPT'])
    delete clean[name];
  return clean;
}
