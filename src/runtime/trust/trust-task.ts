import { DispatchError } from '../../core/errors.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readEvents, readMeta } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';
import { unsafeFolderReason } from './folder-safety.js';
import { distrustReason, signTask } from './task-trust.js';

export interface TrustReview {
  id: string;
  /** What starts when the task runs: the record the user is asked to vouch for. */
  meta: TaskMeta;
  /** Why it is not trusted now, or undefined when it already is. */
  untrusted: string | undefined;
}

/** A task's launch record, for the user to read before vouching for it. */
export function reviewTask(store: TaskStore, id: string): TrustReview {
  const files = store.require(id);
  const unsafe = unsafeFolderReason(files.taskDir);
  if (unsafe)
    throw new DispatchError('untrusted', `refusing ${files.taskDir}: ${unsafe}`, {
      hint: `Someone else could change it after you sign it. If it is yours: chown -R $(id -un) ${files.taskDir} && chmod -R go-w ${files.taskDir}.`,
    });
  const meta = readMeta(files);
  if (!meta || meta.id !== id)
    throw new DispatchError('state', `task ${id} has no usable task.json to sign`, {
      hint: `Dispatch the work again: dispatch run --plan-file ${files.plan}`,
    });
  return { id, meta, untrusted: distrustReason(id, files, meta, readEvents(files), store.env) };
}

/**
 * Signs a task's launch record with the user's key, as if the user had just dispatched it: from
 * then on it may be started, resumed and signalled like any of the user's tasks. Meant for tasks
 * of an earlier version of this program, after the user has read the record (reviewTask).
 */
export function trustTask(store: TaskStore, review: TrustReview): void {
  const files = store.files(review.id);
  writeFileAtomic(files.meta, `${JSON.stringify(signTask(review.meta, store.env), null, 2)}\n`, {
    mode: 0o600,
  });
}
