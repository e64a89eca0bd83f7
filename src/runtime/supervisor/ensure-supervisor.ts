import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { APPEND_FLAGS, openNoFollow } from '../fs/no-follow.js';
import { readLockOwner } from '../lock/file-lock.js';
import { SUPERVISOR_ENTRY } from '../package-paths.js';
import { isProcessAlive } from '../process/process-info.js';
import type { TaskStore } from '../store/task-store.js';

export interface SupervisorState {
  running: boolean;
  pid: number | undefined;
}

export function supervisorState(store: TaskStore): SupervisorState {
  const owner = readLockOwner(store.paths.supervisorLock);
  if (owner && isProcessAlive(owner.pid, owner.startTime)) return { running: true, pid: owner.pid };
  return { running: false, pid: undefined };
}

/**
 * Starts the root's supervisor unless one runs. It is detached and outlives the caller; if two
 * callers race, the supervisors' own lock lets exactly one of them stay.
 */
export function ensureSupervisor(store: TaskStore): SupervisorState {
  const state = supervisorState(store);
  if (state.running) return state;
  store.ensureRoot();
  const log = openNoFollow(store.paths.supervisorLog, APPEND_FLAGS);
  try {
    const child = spawn(process.execPath, [SUPERVISOR_ENTRY, store.root], {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: store.paths.project,
      env: { ...store.env, DISPATCH_ROOT: store.root },
    });
    child.on('error', () => undefined);
    child.unref();
    return { running: true, pid: child.pid };
  } finally {
    closeSync(log);
  }
}
