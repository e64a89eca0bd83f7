import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DispatchError } from '../../core/errors.js';
import { buildResumePrompt, buildWorkerPrompt } from '../../core/prompt/worker-prompt.js';
import { assertValidTaskId, uniqueTaskId } from '../../core/task/task-id.js';
import type { TaskMeta, WorktreeInfo } from '../../core/task/task-meta.js';
import { fileSystemError } from '../fs/file-error.js';
import { openNoFollow } from '../fs/no-follow.js';
import { signTask } from '../trust/task-trust.js';
import { TaskFiles } from '../paths.js';
import { isProcessAlive } from '../process/process-info.js';
import { listRealDir } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { addWorktree, worktreeTaken } from '../worktree/add-worktree.js';
import { removeWorktree } from '../worktree/remove-worktree.js';
import type { Repository } from '../worktree/repository.js';
import {
  claimWorktreeId,
  cleanOrphanWorktrees,
  isClaimed,
  type WorktreeClaim,
} from '../worktree/worktree-claim.js';
import { DISPATCH_COMMAND } from '../package-paths.js';

export const STAGING_PREFIX = '.staging-';
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
  /** Run the task in a new git worktree of this repository (branched from its HEAD). */
  worktreeOf?: Repository;
  /** What the first worker starts from that an earlier worker left (see CarriedOver). */
  carried?: CarriedOver;
}

/**
 * A task a worker node starts again after the node that ran it was lost while it waited for the
 * user (docs/nodes.md): its first worker continues from the earlier worker's context.md and the
 * user's answer, as a new worker does after the fallback where the user works.
 */
export interface CarriedOver {
  answer: { question: string; text: string };
  context?: string;
}

/**
 * Creates a task folder atomically: everything is written into a staging folder inside tasks/
 * and renamed into place in one step, so an interrupted run leaves a whole task or none. Leftover
 * staging folders of dead processes are removed first.
 *
 * With a worktree, the order is: claim the id (worktree-claim.ts), `git worktree add`, write the
 * staging folder naming the worktree, rename it into place, drop the claim. If anything fails
 * after the worktree is made, it is removed again before the error is reported; if the process
 * is killed in between, the claim lets the next `dispatch run` remove the orphan.
 */
export function createTaskFolder(store: TaskStore, task: NewTask): TaskMeta {
  store.ensureRoot();
  cleanStagingNow(store.paths.tasks);
  const repo = task.worktreeOf;
  if (repo) cleanOrphanWorktrees(store.paths);
  const taken = (candidate: string) =>
    existsSync(join(store.paths.tasks, candidate)) ||
    (repo !== undefined &&
      (isClaimed(store.paths, candidate) || worktreeTaken(store.paths, candidate, repo)));
  if (task.id !== undefined) {
    assertValidTaskId(task.id);
    if (namesGroup(store, task.id))
      throw new DispatchError('conflict', `"${task.id}" names a best-of group`, {
        hint: `Pick another --id; see the group with dispatch compare ${task.id}.`,
      });
    if (taken(task.id)) {
      throw new DispatchError(
        'conflict',
        store.exists(task.id)
          ? `a task "${task.id}" already exists`
          : `the worktree or branch dispatch/${task.id} already exists`,
        { hint: 'Pick another --id, or leave it out to get a unique one from the title.' },
      );
    }
  }
  for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
    const id = task.id ?? uniqueTaskId(task.title, (c) => taken(c) || namesGroup(store, c));
    let claim: WorktreeClaim | undefined;
    if (repo) {
      claim = claimWorktreeId(store.paths, id);
      if (!claim) {
        if (task.id !== undefined) throw idTaken(id);
        continue;
      }
    }
    const made = createWithClaim(store, task, id, claim);
    if (made) return made;
    if (task.id !== undefined) throw idTaken(id);
  }
  throw new DispatchError('conflict', `could not find a free task id for "${task.title}"`, {
    hint: 'Pass --id.',
  });
}

/**
 * Whether an id is a best-of group's (its first run `<id>.1` exists): the group has no folder of
 * its own, and a task of the same id would make `dispatch wait ID` mean two things.
 */
function namesGroup(store: TaskStore, id: string): boolean {
  return existsSync(join(store.paths.tasks, `${id}.1`));
}

function idTaken(id: string): DispatchError {
  return new DispatchError('conflict', `a task "${id}" already exists`, {
    hint: 'Pick another --id.',
  });
}

/** One try at an id: undefined when another process took it meanwhile. */
function createWithClaim(
  store: TaskStore,
  task: NewTask,
  id: string,
  claim: WorktreeClaim | undefined,
): TaskMeta | undefined {
  let worktree: WorktreeInfo | undefined;
  let keepClaim = false;
  try {
    if (task.worktreeOf && claim) worktree = addWorktree(store.paths, id, task.worktreeOf, claim);
    const staging = join(
      store.paths.tasks,
      `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    try {
      const meta = writeStaging(staging, store.files(id), id, task, worktree, store.env);
      renameSync(staging, store.files(id).taskDir);
      return meta;
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        keepClaim = !undoWorktree(worktree);
        return undefined;
      }
      throw error;
    }
  } catch (error) {
    keepClaim ||= !undoWorktree(worktree);
    throw error;
  } finally {
    if (!keepClaim) claim?.release();
  }
}

/** Removes a worktree made for a task that did not come to be; false when that failed. */
function undoWorktree(worktree: WorktreeInfo | undefined): boolean {
  if (!worktree) return true;
  try {
    removeWorktree(worktree);
    return true;
  } catch {
    return false; // the claim stays, so the next run removes it
  }
}

function writeStaging(
  staging: string,
  final: TaskFiles,
  id: string,
  task: NewTask,
  worktree: WorktreeInfo | undefined,
  env: NodeJS.ProcessEnv,
): TaskMeta {
  const files = new TaskFiles(staging);
  // One level at a time: a recursive mkdir reports a read-only file system as ENOENT.
  mkdirSync(files.taskDir, { mode: 0o700 });
  mkdirSync(files.ipc, { mode: 0o700 });
  // Signed with the user's key: only a launch record this user wrote is ever started.
  const meta: TaskMeta = signTask(
    {
      ...task.meta,
      ...(worktree ? { worktree } : {}),
      id,
      argv: task.argvFor('<prompt.md>'),
      createdAt: new Date().toISOString(),
    },
    env,
  );
  // The prompt names the final paths, which exist once the folder is renamed into place.
  const input = {
    id,
    title: task.title,
    paths: final,
    request: meta.request,
    aliasPrompt: meta.aliasPrompt,
    fallbackMinutes: meta.fallbackMinutes ?? task.fallbackMinutes,
    dispatchCommand: DISPATCH_COMMAND,
    askSliceSeconds: meta.askSliceSeconds,
    backendType: meta.backendType,
  };
  const carried = task.carried;
  const prompt = carried
    ? buildResumePrompt({
        ...input,
        planText: task.planText,
        contextText: carried.context,
        answer: carried.answer,
        previousFailure: "the worker node it ran on was lost while it waited for the user's answer",
      })
    : buildWorkerPrompt(input);
  if (carried?.context !== undefined) writeNewFile(files.context, carried.context);
  // The staging folder is new, private and invisible until renamed into place whole: its files
  // are created there directly (never replacing anything, never through a link), not each
  // through a temp file of its own.
  writeNewFile(files.plan, task.planText);
  writeNewFile(files.prompt(1), prompt);
  writeNewFile(files.meta, `${JSON.stringify(meta, null, 2)}\n`);
  const now = new Date().toISOString();
  writeNewFile(
    files.events,
    [
      { type: 'created', time: now },
      { type: 'queued', time: now },
    ]
      .map((event) => `${JSON.stringify(event)}\n`)
      .join(''),
  );
  return meta;
}

/** Creates a file in a staging folder: exclusive, private, never through a link. */
function writeNewFile(path: string, data: string): void {
  const fd = openNoFollow(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
  try {
    const bytes = Buffer.from(data, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    throw fileSystemError(error, path);
  } finally {
    closeSync(fd);
  }
}

/** When each tasks folder was last cleaned of staging leftovers by this process. */
const lastCleaned = new Map<string, number>();
const CLEAN_EVERY_MS = 10_000;

/**
 * cleanStaging, at most once in a while per folder: a fan-out creates a thousand tasks in one
 * process, and listing the folder before each of them would cost a thousand listings of it.
 */
function cleanStagingNow(tasksDir: string): void {
  const last = lastCleaned.get(tasksDir);
  if (last !== undefined && Date.now() - last < CLEAN_EVERY_MS) return;
  cleanStaging(tasksDir);
  lastCleaned.set(tasksDir, Date.now());
}

/** Removes staging folders whose creator is gone (or that are older than ten minutes). */
export function cleanStaging(tasksDir: string): string[] {
  const removed: string[] = [];
  for (const name of listRealDir(tasksDir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(name.slice(STAGING_PREFIX.length).split('-')[0]);
    const path = join(tasksDir, name);
    let old = false;
    try {
      old = Date.now() - lstatSync(path).mtimeMs > 10 * 60_000;
    } catch {
      continue;
    }
    if (pid === process.pid || (isProcessAlive(pid) && !old)) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
