import { readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TERMINAL_STATES, isActive } from '../../core/status/state-groups.js';
import { readLockOwner } from '../lock/file-lock.js';
import { isProcessAlive } from '../process/process-info.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import { isTaskWorker } from '../process/worker-identity.js';
import { lstatQuietly } from '../fs/no-follow.js';
import { listDir, listRealDir } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { cleanStaging } from '../tasks/create-task.js';
import { ensureSupervisor, supervisorState } from '../supervisor/ensure-supervisor.js';
import { ok, type Finding } from './health-check.js';
import { latestWorker } from '../../core/task/current-attempt.js';

/** Temp files older than this are leftovers of a process that died mid-write. */
const STALE_TEMP_MS = 60_000;

/** Stale temp files in a folder, never through a link (a linked folder may be anyone's). */
function staleTempFiles(dir: string): string[] {
  const now = Date.now();
  return listRealDir(dir)
    .filter((name) => name.endsWith('.tmp'))
    .map((name) => join(dir, name))
    .filter((path) => {
      const stats = lstatQuietly(path);
      return stats?.isFile() === true && now - stats.mtimeMs > STALE_TEMP_MS;
    });
}

/** Symbolic links in tasks/ and in the task folders: never followed, so each is reported. */
function plantedLinks(store: TaskStore): string[] {
  const links: string[] = [];
  const scan = (dir: string) => {
    try {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isSymbolicLink()) links.push(join(dir, entry.name));
      }
    } catch {
      // gone meanwhile
    }
  };
  if (lstatQuietly(store.paths.tasks)?.isSymbolicLink()) return [store.paths.tasks];
  scan(store.paths.tasks);
  for (const id of store.listIds()) {
    const files = store.files(id);
    scan(files.taskDir);
    for (const dir of [files.ipc, files.notes]) if (listRealDir(dir).length > 0) scan(dir);
  }
  return links;
}

/**
 * The health of a `.dispatch/` root: leftovers of interrupted writes and runs, stale locks,
 * tasks that cannot be read, workers still running for finished tasks, and whether active tasks
 * have a supervisor. With `fix`, repairs what can be repaired safely.
 */
export async function checkRoot(store: TaskStore, fix: boolean): Promise<Finding[]> {
  const findings: Finding[] = [];
  const paths = store.paths;
  if (listRealDir(paths.tasks).length === 0) return [ok('tasks', `no tasks in ${paths.tasks}`)];

  const staging = listRealDir(paths.tasks).filter((name) => name.startsWith('.staging-'));
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

  const links = plantedLinks(store);
  if (links.length > 0) {
    findings.push({
      level: 'error',
      subject: 'tasks',
      message: `${links.length} symbolic link(s) inside .dispatch/, never followed: ${links.slice(0, 5).join(', ')}${links.length > 5 ? ', …' : ''}`,
      fix: 'Remove them (they were not made by dispatch); a task whose files are links cannot be used.',
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
  const untrusted: { id: string; reason: string }[] = [];
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
    if (snapshot.untrusted !== undefined) {
      untrusted.push({ id, reason: snapshot.untrusted });
      continue;
    }
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
      snapshot.untrusted === undefined &&
      TERMINAL_STATES.has(status.state) &&
      isTaskWorker({ taskId: id, pid: spawned.pid, startTime: spawned.startTime })
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

  if (untrusted.length > 0) findings.push(untrustedFinding(untrusted));

  const supervisor = supervisorState(store);
  const supervised = supervisor.running;
  if (supervisor.silentMs !== undefined) {
    if (fix) ensureSupervisor(store);
    findings.push({
      level: 'error',
      subject: 'supervisor',
      message: `pid ${supervisor.pid} is not responding (no heartbeat for ${Math.round(supervisor.silentMs / 1000)} s: stopped or hung)${fix ? '; replaced it' : ''}`,
      fix: 'Any dispatch command that shows tasks replaces it (or dispatch doctor --fix).',
      fixable: true,
    });
  } else if (active > 0 && !supervised) {
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
      ok(
        'supervisor',
        supervised ? `running (pid ${supervisor.pid})` : 'not running (nothing active)',
      ),
    );
  }
  findings.push(ok('tasks', `${store.listIds().length} task(s), ${active} active`));
  return findings;
}

/**
 * Tasks this user did not create (or made with an earlier version of dispatch, before launch
 * records were signed): never started, resumed or signalled. The user decides, one by one.
 */
function untrustedFinding(tasks: { id: string; reason: string }[]): Finding {
  const first = tasks[0] as { id: string; reason: string };
  const shown = tasks.slice(0, 10).map((t) => t.id);
  const more = tasks.length > shown.length ? ` and ${tasks.length - shown.length} more` : '';
  return {
    level: 'warn',
    subject: 'trust',
    message: `${tasks.length} task(s) not created by you, never started or stopped by dispatch: ${shown.join(', ')}${more} (${first.id}: ${first.reason})`,
    fix: `If you made one with an earlier version of dispatch: \`dispatch trust ${first.id}\` shows what it runs, and \`dispatch trust ${first.id} --yes\` signs it. If you did not make it, do not sign it: remove its folder, or dispatch the work yourself with \`dispatch run\`.`,
  };
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone
  }
}
