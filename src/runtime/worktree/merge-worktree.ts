import { DispatchError } from '../../core/errors.js';
import type { TaskStore } from '../store/task-store.js';
import { git, gitOk } from './git.js';
import { assertSettled, requireTaskWorktree, type TaskWorktree } from './task-worktree.js';
import { worktreeState } from './worktree-state.js';

export interface MergeResult {
  id: string;
  branch: string;
  repo: string;
  /** The branch of the main repository merged into ("HEAD" when detached). */
  into: string;
  /** The commit made of the worker's uncommitted changes before merging, if there were any. */
  committed: string | null;
  outcome: 'merged' | 'up-to-date';
  /** HEAD of the main repository afterwards. */
  head: string;
}

function currentBranch(repo: string): string {
  const result = git(['symbolic-ref', '--short', '-q', 'HEAD'], repo);
  return result.code === 0 ? result.stdout.trim() : 'HEAD';
}

/**
 * Commits what the worker left uncommitted in the worktree, on the task's branch, with a message
 * that says it was done by `dispatch merge` on the user's behalf. Returns the commit.
 */
function commitLeftovers(
  store: TaskStore,
  id: string,
  path: string,
  branch: string,
  title: string,
) {
  gitOk(['add', '-A'], path);
  gitOk(
    [
      'commit',
      '--quiet',
      '-m',
      `dispatch: commit the changes task ${id} left uncommitted`,
      '-m',
      `Task: ${title}\nThe worker left these changes uncommitted in its worktree; \`dispatch merge ${id}\` committed them on ${branch} before merging.`,
    ],
    path,
  );
  const commit = gitOk(['rev-parse', 'HEAD'], path).trim();
  store.appendEvent(id, { type: 'worktree', action: 'committed', branch, commit });
  return commit;
}

/**
 * The task's worktree when `dispatch merge` may merge it: the task is settled, and passed its
 * verify command (or had none) unless `force`. Changes nothing.
 */
export function mergeableWorktree(
  store: TaskStore,
  id: string,
  options: { force?: boolean } = {},
): TaskWorktree {
  const task = requireTaskWorktree(store, id);
  assertSettled(task, 'merge');
  if (task.status.state === 'verify-failed' && !options.force)
    throw new DispatchError(
      'state',
      `task ${id} did not pass its verify command (${task.status.reason ?? 'verify failed'}); not merging it`,
      {
        hint: `See ${store.files(id).verifyLog}. Send it back with \`dispatch continue ${id} "…"\`, or merge it anyway: dispatch merge --force ${id}`,
      },
    );
  return task;
}

/**
 * `dispatch merge ID`: merges the task's branch into the current branch of the main repository
 * (`git merge --no-ff`, so the history shows which task it came from). Uncommitted changes in the
 * worktree are committed on the branch first, and the result says so. On a conflict git's state
 * is left exactly as git leaves it, and the error names the conflicted files. The worktree and
 * branch are kept: `dispatch discard ID` removes them.
 */
export function mergeTaskWorktree(
  store: TaskStore,
  id: string,
  options: { force?: boolean } = {},
): MergeResult {
  const task = mergeableWorktree(store, id, options);
  const { worktree: info, meta } = task;
  const state = worktreeState(info);
  if (!state.branch) {
    throw new DispatchError('state', `the branch ${info.branch} of task ${id} no longer exists`, {
      hint: 'It was discarded or deleted; there is nothing left to merge.',
    });
  }
  const committed =
    state.present && state.uncommitted.length > 0
      ? commitLeftovers(store, id, info.path, info.branch, meta.title)
      : null;
  const into = currentBranch(info.repo);
  const merge = git(
    ['merge', '--no-ff', '--no-edit', '-m', `Merge ${info.branch}: ${meta.title}`, info.branch],
    info.repo,
  );
  const note = committed
    ? ` (The worker's uncommitted changes were first committed on ${info.branch} as ${committed.slice(0, 7)}.)`
    : '';
  if (merge.code !== 0) {
    const conflicted = git(['diff', '--name-only', '--diff-filter=U', '-z'], info.repo)
      .stdout.split('\0')
      .filter(Boolean);
    if (conflicted.length > 0) {
      throw new DispatchError(
        'conflict',
        `merging ${info.branch} into ${into} stopped on conflicts in: ${conflicted.join(', ')}`,
        {
          hint: `${info.repo} is left as git leaves it, in the middle of the merge: resolve those files, then git add them and git commit; or undo it with git merge --abort.${note}`,
        },
      );
    }
    throw new DispatchError(
      'state',
      `git merge of ${info.branch} into ${into} failed: ${(merge.stderr || merge.stdout).trim()}`,
      {
        hint: `Nothing was merged. Fix what git reports in ${info.repo}, then run dispatch merge ${id} again.${note}`,
      },
    );
  }
  const head = gitOk(['rev-parse', 'HEAD'], info.repo).trim();
  const outcome = /Already up[ -]to[ -]date/i.test(merge.stdout) ? 'up-to-date' : 'merged';
  if (outcome === 'merged')
    store.appendEvent(id, {
      type: 'worktree',
      action: 'merged',
      branch: info.branch,
      commit: head,
    });
  return { id, branch: info.branch, repo: info.repo, into, committed, outcome, head };
}
