import { createHmac } from 'node:crypto';
import { DispatchError } from '../../core/errors.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import type { TaskFiles } from '../paths.js';
import { unsafeFolderReason } from './folder-safety.js';
import { signLaunch, verifyLaunch } from './launch-mac.js';
import { ensureUserKey, findUserKey } from './user-key.js';

/**
 * Why a task folder is not the user's own work, or undefined when it is. A folder without
 * task.json (written by the original prompt-only dispatcher) is never started by this program
 * anyway, so it needs no signature, as long as its history names no worker to signal.
 */
export function distrustReason(
  id: string,
  files: TaskFiles,
  meta: TaskMeta | undefined,
  events: readonly TaskEvent[],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const unsafe = unsafeFolderReason(files.taskDir);
  if (unsafe) return `its folder ${files.taskDir}: ${unsafe}`;
  // Without task.json nothing is ever started; only a worker it claims must not be believed.
  if (!meta)
    return events.some((e) => e.type === 'spawned')
      ? 'it names a worker but has no task.json'
      : undefined;
  if (meta.id !== id) return `its task.json names another task (${JSON.stringify(meta.id)})`;
  switch (verifyLaunch(meta, findUserKey(env))) {
    case 'valid':
      return undefined;
    case 'missing':
      return 'its task.json has no launch signature (made by an earlier version of dispatch, or by someone else)';
    case 'invalid':
      return 'its launch signature does not match (task.json was changed, or signed with another key)';
  }
}

/** Refuses to act on a task that is not the user's own, saying why and what to do. */
export function untrustedError(id: string, reason: string, action: string): DispatchError {
  return new DispatchError(
    'untrusted',
    `task ${id} was not created by you: ${reason}; dispatch does not ${action} it`,
    {
      hint: `Look at it with \`dispatch doctor\`. If you did create it, \`dispatch trust ${id}\` shows its command line and signs it; or dispatch the work again with \`dispatch run\`.`,
    },
  );
}

export function assertTrusted(
  id: string,
  files: TaskFiles,
  meta: TaskMeta | undefined,
  events: readonly TaskEvent[],
  action: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const reason = distrustReason(id, files, meta, events, env);
  if (reason) throw untrustedError(id, reason, action);
  if (!meta) throw untrustedError(id, 'it has no task.json', action);
}

/**
 * A value only this user's key yields for this root, for files the program reads back as its own
 * (the status index). Undefined when there is no usable key.
 */
export function cacheOwner(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let key;
  try {
    key = findUserKey(env);
  } catch {
    return undefined;
  }
  return key && createHmac('sha256', key).update(`status-cache\0${root}`).digest('hex');
}

/** Signs a launch record with the user's key, creating the key on first use. */
export function signTask(meta: TaskMeta, env: NodeJS.ProcessEnv = process.env): TaskMeta {
  return signLaunch(meta, ensureUserKey(env));
}
