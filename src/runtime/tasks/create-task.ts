import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DispatchError } from '../../core/errors.js';
import { buildWorkerPrompt } from '../../core/prompt/worker-prompt.js';
import { assertValidTaskId, uniqueTaskId } from '../../core/task/task-id.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { appendJsonLine } from '../fs/append-line.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { TaskFiles } from '../paths.js';
import { isProcessAlive } from '../process/process-info.js';
import { listDir } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';

const STAGING_PREFIX = '.staging-';
const MAX_ID_ATTEMPTS = 20;

export interface NewTask {
  /** An explicit id; otherwise one is made from the title. */
  id?: string;
  title: string;
  planText: string;
  meta: Omit<TaskMeta, 'id' | 'argv' | 'createdAt'>;
  fallbackMinutes: number;
  /** The display argv for task.json, given the task's prompt file name. */
  argvFor: (promptPlaceholder: string) => string[];
}

/**
 * Creates a task folder atomically: everything is written into a staging folder inside tasks/
 * and renamed into place in one step, so an interrupted run leaves a whole task or none. Leftover
 * staging folders of dead processes are removed first.
 */
export function createTaskFolder(store: TaskStore, task: NewTask): TaskMeta {
  store.ensureRoot();
  cleanStaging(store.paths.tasks);
  if (task.id !== undefined) {
    assertValidTaskId(task.id);
    if (store.exists(task.id)) {
      throw new DispatchError('conflict', `a task "${task.id}" already exists`, {
        hint: 'Pick another --id, or leave it out to get a unique one from the title.',
      });
    }
  }
  for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
    const id =
      task.id ??
      uniqueTaskId(task.title, (candidate) => existsSync(join(store.paths.tasks, candidate)));
    const staging = join(
      store.paths.tasks,
      `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    const meta = writeStaging(staging, store.files(id), id, task);
    try {
      renameSync(staging, store.files(id).taskDir);
      return meta;
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && task.id === undefined) continue;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new DispatchError('conflict', `a task "${id}" already exists`, {
          hint: 'Pick another --id.',
        });
      }
      throw error;
    }
  }
  throw new DispatchError('conflict', `could not find a free task id for "${task.title}"`, {
    hint: 'Pass --id.',
  });
}

function writeStaging(staging: string, final: TaskFiles, id: string, task: NewTask): TaskMeta {
  const files = new TaskFiles(staging);
  mkdirSync(files.ipc, { recursive: true, mode: 0o700 });
  const meta: TaskMeta = {
    ...task.meta,
    id,
    argv: task.argvFor('<prompt.md>'),
    createdAt: new Date().toISOString(),
  };
  // The prompt names the final paths, which exist once the folder is renamed into place.
  const prompt = buildWorkerPrompt({
    id,
    title: task.title,
    paths: final,
    request: meta.request,
    aliasPrompt: meta.aliasPrompt,
    fallbackMinutes: task.fallbackMinutes,
    dispatchOnPath: true,
  });
  writeFileAtomic(files.plan, task.planText, { mode: 0o600 });
  writeFileAtomic(files.prompt(1), prompt, { mode: 0o600 });
  writeFileAtomic(files.meta, `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o600 });
  const now = new Date().toISOString();
  appendJsonLine(files.events, { type: 'created', time: now }, 0o600);
  appendJsonLine(files.events, { type: 'queued', time: now }, 0o600);
  return meta;
}

/** Removes staging folders whose creator is gone (or that are older than ten minutes). */
export function cleanStaging(tasksDir: string): string[] {
  const removed: string[] = [];
  for (const name of listDir(tasksDir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(name.slice(STAGING_PREFIX.length).split('-')[0]);
    const path = join(tasksDir, name);
    let old = false;
    try {
      old = Date.now() - statSync(path).mtimeMs > 10 * 60_000;
    } catch {
      continue;
    }
    if (pid === process.pid || (isProcessAlive(pid) && !old)) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
