import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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
  const log = openSync(store.paths.supervisorLog, 'a', 0o600);
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
