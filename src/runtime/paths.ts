import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { assertValidTaskId } from '../core/task/task-id.js';
import type { TaskPaths } from '../core/prompt/worker-prompt.js';
import { isOwnFolder } from './trust/folder-safety.js';

/** ~/.dispatch, or DISPATCH_HOME. Holds the user's config; private to the user. */
export function dispatchHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DISPATCH_HOME) return resolve(env.DISPATCH_HOME);
  return join(env.HOME || homedir(), '.dispatch');
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DISPATCH_CONFIG) return resolve(env.DISPATCH_CONFIG);
  return join(dispatchHome(env), 'config.yaml');
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The `.dispatch/` root for a working directory: DISPATCH_ROOT when set; else the nearest
 * ancestor that already has `.dispatch/tasks`; else the enclosing git repository's top level;
 * else the directory itself. The search climbs only through the user's own folders: a folder
 * owned by someone else (a shared parent, another user's home) is never adopted, nor anything
 * above it.
 */
export function findDispatchRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.DISPATCH_ROOT) return resolve(env.DISPATCH_ROOT);
  const start = resolve(cwd);
  const home = resolve(env.HOME || homedir());
  for (let dir = start; ; dir = dirname(dir)) {
    if (dir !== start && !isOwnFolder(dir)) break;
    if (isDir(join(dir, '.dispatch', 'tasks')) && dir !== home) return join(dir, '.dispatch');
    if (existsSync(join(dir, '.git'))) return join(dir, '.dispatch');
    if (dirname(dir) === dir) break;
  }
  return join(start, '.dispatch');
}

/** Where everything of one `.dispatch/` root lives. */
export class RootPaths {
  constructor(readonly root: string) {}

  get tasks(): string {
    return join(this.root, 'tasks');
  }
  get worktrees(): string {
    return join(this.root, 'worktrees');
  }
  get supervisorLock(): string {
    return join(this.root, 'supervisor.lock');
  }
  get supervisorLog(): string {
    return join(this.root, 'supervisor.log');
  }
  get schedulerLock(): string {
    return join(this.root, 'scheduler.lock');
  }
  /** The project folder the `.dispatch/` root belongs to. */
  get project(): string {
    return dirname(this.root);
  }

  task(id: string): TaskFiles {
    return new TaskFiles(join(this.tasks, assertValidTaskId(id)));
  }
}

/** The files of one task folder (compatibility contract plus the program's own). */
export class TaskFiles implements TaskPaths {
  readonly taskDir: string;

  constructor(taskDir: string) {
    this.taskDir = resolve(taskDir);
  }

  // Listing thousands of tasks asks for these paths tens of thousands of times: the folder is
  // normalized once above, so plain concatenation replaces a path.join per file.
  private child(name: string): string {
    return `${this.taskDir}${sep}${name}`;
  }

  get plan(): string {
    return this.child('plan.md');
  }
  get output(): string {
    return this.child('output.md');
  }
  get context(): string {
    return this.child('context.md');
  }
  get ipc(): string {
    return this.child('ipc');
  }
  get meta(): string {
    return this.child('task.json');
  }
  get events(): string {
    return this.child('events.jsonl');
  }
  get log(): string {
    return this.child('worker.log');
  }
  /** The output of the latest run of the task's verify command (docs/verify.md). */
  get verifyLog(): string {
    return this.child('verify.log');
  }
  /** What the running attempt's worker has used so far, kept current by its log filter. */
  get usage(): string {
    return this.child('usage.json');
  }
  get notes(): string {
    return this.child('notes');
  }
  /** The prompt of an attempt: prompt.md for the first, prompt-N.md for later ones. */
  prompt(attempt = 1): string {
    return this.child(attempt <= 1 ? 'prompt.md' : `prompt-${attempt}.md`);
  }
  /**
   * Beside the message of an attempt that resumes a CLI's session: the prompt a new worker gets
   * instead when the CLI can no longer open that session.
   */
  freshPrompt(attempt: number): string {
    return this.child(`prompt-${attempt}.fresh.md`);
  }
  ipcFile(name: string): string {
    return `${this.ipc}${sep}${name}`;
  }
}
