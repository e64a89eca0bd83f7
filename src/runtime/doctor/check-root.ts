import { rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TERMINAL_STATES, isActive } from '../../core/status/state-groups.js';
import { readLockOwner } from '../lock/file-lock.js';
import { isProcessAlive } from '../process/process-info.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import { listDir } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { cleanStaging } from '../tasks/create-task.js';
import { ensureSupervisor } from '../supervisor/ensure-supervisor.js';
import { ok, type Finding } from './health-check.js';
import { latestWorker } from '../../core/task/current-attempt.js';

/** Temp files older than this are leftovers of a process that died mid-write. */
const STALE_TEMP_MS = 60_000;

function staleTempFiles(dir: string): string[] {
  const now = Date.now();
  return listDir(dir)
    .filter((name) => name.endsWith('.tmp'))
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return now - statSync(path).mtimeMs > STALE_TEMP_MS;
      } catch {
        return false;
      }
    });
}

/**
 * The health of a `.dispatch/` root: leftovers of interrupted writes and runs, stale locks,
 * tasks that cannot be read, workers still running for finished tasks, and whether active tasks
 * have a supervisor. With `fix`, repairs what can be repaired safely.
 */
export async function checkRoot(store: TaskStore, fix: boolean): Promise<Finding[]> {
  const findings: Finding[] = [];
  const paths = store.paths;
  if (listDir(paths.tasks).length === 0) return [ok('tasks', `no tasks in ${paths.tasks}`)];

  const staging = listDir(paths.tasks).filter((name) => name.startsWith('.staging-'));
  if (staging.length > 0) {
    const removed = fix ? cleanStaging(paths.tasks) : [];
    findings.push({
      level: 'warn',
      subject: 'tasks',
      message: `${staging.length} leftover staging folder(s) of interrupted \`dispatch run\`${removed.length ? `; removed ${removed.length}` : ''}`,
      fix: 'dispatch doctor --fix removes those whose process is gone.',
      fixable: true,
    });
  }

  const temps = store.listIds().flatMap((id) => {
    const files = store.files(id);
    return [...staleTempFiles(files.taskDir), ...staleTempFiles(files.ipc)];
  });
  if (temps.length > 0) {
    if (fix) for (const path of temps) rmSync(path, { force: true });
    findings.push({
      level: 'warn',
      subject: 'tasks',
      message: `${temps.length} leftover temp file(s) of interrupted writes${fix ? '; removed' : ''}`,
      fix: 'Harmless (ignored by the protocol); dispatch doctor --fix removes them.',
      fixable: true,
    });
  }

  for (const [name, path] of [
    ['supervisor lock', paths.supervisorLock],
    ['scheduler lock', paths.schedulerLock],
  ] as const) {
    const owner = readLockOwner(path);
    const exists = listDir(paths.root).includes(path.slice(paths.root.length + 1));
    if (exists && (!owner || !isProcessAlive(owner.pid, owner.startTime))) {
      if (fix) unlinkQuietly(path);
      findings.push({
        level: 'warn',
        subject: name,
        message: `stale: its process${owner ? ` ${owner.pid}` : ''} is gone${fix ? '; removed' : ''}`,
        fix: 'Harmless (taken over automatically); dispatch doctor --fix removes it.',
        fixable: true,
      });
    }
  }

  let active = 0;
  for (const id of store.listIds()) {
    let snapshot;
    try {
      snapshot = store.snapshot(id);
    } catch (error) {
      findings.push({
        level: 'error',
        subject: `task ${id}`,
        message: `cannot be read: ${(error as Error).message}`,
      });
      continue;
    }
    const status = store.status(id);
    if (snapshot.planProblem && !TERMINAL_STATES.has(status.state)) {
      findings.push({
        level: 'error',
        subject: `task ${id}`,
        message: snapshot.planProblem,
        fix: `Look at ${store.files(id).plan}; the worker may have written garbage. Cancel with \`dispatch cancel ${id}\` if it is lost.`,
      });
    }
    if (isActive(status.state)) active++;
    const worker = latestWorker(snapshot.events);
    const spawned = worker?.spawned;
    if (
      spawned &&
      !worker.exited &&
      TERMINAL_STATES.has(status.state) &&
      isProcessAlive(spawned.pid, spawned.startTime)
    ) {
      if (fix) await stopProcessGroup(spawned.pid);
      findings.push({
        level: 'error',
        subject: `task ${id}`,
        message: `is ${status.state} but its worker (pid ${spawned.pid}) still runs${fix ? '; stopped it' : ''}`,
        fix: `dispatch doctor --fix stops it (or kill -- -${spawned.pid}).`,
        fixable: true,
      });
    }
  }

  const owner = readLockOwner(paths.supervisorLock);
  const supervised = owner !== undefined && isProcessAlive(owner.pid, owner.startTime);
  if (active > 0 && !supervised) {
    if (fix) ensureSupervisor(store);
    findings.push({
      level: 'warn',
      subject: 'supervisor',
      message: `${active} active task(s) and no supervisor running${fix ? '; started one' : ''}`,
      fix: 'Any dispatch command that shows tasks starts one (or dispatch doctor --fix).',
      fixable: true,
    });
  } else {
    findings.push(
      ok('supervisor', supervised ? `running (pid ${owner?.pid})` : 'not running (nothing active)'),
    );
  }
  findings.push(ok('tasks', `${store.listIds().length} task(s), ${active} active`));
  return findings;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone
  }
}
