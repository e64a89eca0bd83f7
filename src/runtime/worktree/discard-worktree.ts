import { DispatchError } from '../../core/errors.js';
import { deleteNodeBranch, type RemoteBranchOutcome } from '../nodes/delete-node-branch.js';
import type { TaskStore } from '../store/task-store.js';
import { removeWorktree } from './remove-worktree.js';
import { assertSettled, requireTaskWorktree } from './task-worktree.js';
import { holdsWork, worktreeState, type WorktreeState } from './worktree-state.js';

export interface DiscardResult {
  id: string;
  branch: string;
  path: string;
  /** What was deleted that existed nowhere else. */
  lost: { uncommitted: number; unmerged: number };
  /** A task that ran on a worker node: its branch on the repository's remote. */
  remote: RemoteBranchOutcome | null;
}

export interface DiscardOptions {
  /** Delete even when the worktree holds work, without asking. */
  yes?: boolean;
  /** Asks the user; absent when there is no one to ask (no terminal). */
  confirm?: (question: string) => Promise<boolean>;
}

/** "2 uncommitted changes and 1 commit not merged into the current branch". */
export function describeWork(state: WorktreeState): string {
  const parts: string[] = [];
  if (state.uncommitted.length > 0)
    parts.push(
      `${state.uncommitted.length} uncommitted change${state.uncommitted.length === 1 ? '' : 's'}`,
    );
  if (state.unmerged > 0)
    parts.push(
      `${state.unmerged} commit${state.unmerged === 1 ? '' : 's'} not merged into the current branch`,
    );
  return parts.join(' and ');
}

/**
 * `dispatch discard ID`: removes the task's worktree and its branch. When they hold work that
 * exists nowhere else (uncommitted changes, commits not merged into the main repository's current
 * branch), only after the user confirms on a terminal or passes --yes. The task folder stays.
 */
export async function discardTaskWorktree(
  store: TaskStore,
  id: string,
  options: DiscardOptions = {},
): Promise<DiscardResult> {
  const task = requireTaskWorktree(store, id);
  assertSettled(task, 'discard');
  const info = task.worktree;
  const state = worktreeState(info);
  if (!state.present && !state.branch) {
    throw new DispatchError('state', `the worktree and branch of task ${id} are already gone`, {
      hint: 'Nothing to discard.',
    });
  }
  if (holdsWork(state) && !options.yes) {
    const work = describeWork(state);
    if (!options.confirm) {
      throw new DispatchError(
        'state',
        `refusing to discard task ${id}: its worktree holds ${work}`,
        {
          hint: `See them with dispatch diff ${id}; keep them with dispatch merge ${id}; or delete them anyway with dispatch discard ${id} --yes.`,
        },
      );
    }
    const agreed = await options.confirm(
      `Task ${id}'s worktree holds ${work}. Delete ${info.path} and branch ${info.branch}?`,
    );
    if (!agreed)
      throw new DispatchError('state', `kept the worktree of task ${id}`, {
        hint: `Nothing was deleted. Merge it with dispatch merge ${id}.`,
      });
  }
  removeWorktree(info);
  const remote =
    task.fetchedFrom === undefined ? undefined : deleteNodeBranch(task.meta, info.repo);
  store.appendEvent(id, {
    type: 'worktree',
    action: 'discarded',
    branch: info.branch,
    commit: null,
  });
  return {
    id,
    branch: info.branch,
    path: info.path,
    lost: { uncommitted: state.uncommitted.length, unmerged: state.unmerged },
    remote: remote ?? null,
  };
}
