import { DispatchError } from '../../core/errors.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { TaskMeta, WorktreeInfo } from '../../core/task/task-meta.js';
import type { TaskStore } from '../store/task-store.js';
import { isActive } from '../../core/status/state-groups.js';
import { fetchNodeBranch } from '../nodes/fetch-node-branch.js';

export interface TaskWorktree {
  meta: TaskMeta;
  worktree: WorktreeInfo;
  status: TaskStatus;
  /** For a task that ran on a worker node: where its branch was fetched from. */
  fetchedFrom?: string;
}

/**
 * The worktree of a task (for a task on a worker node, its branch fetched from the repository's
 * remote, without a local worktree), or a clear error for a task that runs in the main folder. Only the
 * user's own task: git run in a planted path would obey that repository's config and hooks.
 */
export function requireTaskWorktree(store: TaskStore, id: string): TaskWorktree {
  store.requireOwn(id, 'diff, merge or discard the worktree of');
  const meta = store.meta(id);
  // A task that ran on a worker node: its branch is on the repository's remote.
  if (meta?.queue && !meta.worktree)
    return {
      meta,
      worktree: fetchNodeBranch(meta),
      status: store.status(id),
      fetchedFrom: meta.queue.repository,
    };
  if (!meta?.worktree) {
    throw new DispatchError('state', `task ${id} does not run in a worktree`, {
      hint: `Its changes are in ${meta?.cwd ?? 'the project folder'} already. Dispatch with --worktree to isolate a task.`,
    });
  }
  return { meta, worktree: meta.worktree, status: store.status(id) };
}

/** Refuses while a worker may still write into the worktree. */
export function assertSettled(task: TaskWorktree, action: string): void {
  if (!isActive(task.status.state)) return;
  throw new DispatchError(
    'state',
    `task ${task.meta.id} is ${task.status.state}; cannot ${action} it yet`,
    {
      hint: `Wait for it (dispatch wait ${task.meta.id}) or stop it first (dispatch cancel ${task.meta.id}).`,
    },
  );
}
