import { DispatchError } from '../../core/errors.js';
import type { TaskMeta, WorktreeInfo } from '../../core/task/task-meta.js';
import { git } from '../worktree/git.js';
import { repositoryOf } from '../worktree/repository.js';
import { TRANSPORTS } from './code-checkout.js';

/**
 * The branch of a task that ran on a worker node, brought where the user works: the node pushed
 * `dispatch/<id>` to the repository's remote, and it is fetched from there into the local branch
 * of the same name (replacing it, as a later attempt replaces the pushed one). There is no local
 * worktree (`path` is empty): the node committed what its worker left before pushing.
 */
export function fetchNodeBranch(meta: TaskMeta): WorktreeInfo {
  const queue = meta.queue;
  if (!queue) throw new Error(`task ${meta.id} did not run on a worker node`);
  const repo = repositoryOf(meta.cwd, 'The branch of a task on a worker node').top;
  const branch = `dispatch/${meta.id}`;
  const ref = `refs/heads/${branch}`;
  // From the repository itself (no origin) the node pushed straight into it: nothing to fetch.
  if (queue.repository !== repo) {
    const fetched = git(
      ['fetch', '--quiet', '--no-tags', '--', queue.repository, `+${ref}:${ref}`],
      repo,
      TRANSPORTS,
    );
    if (fetched.code !== 0)
      throw new DispatchError(
        'state',
        `cannot fetch ${branch} from ${queue.repository}: ${fetched.stderr.trim().split('\n').slice(-3).join(' ')}`,
        {
          hint: `The node pushes the branch when the task ends (its log says where). Check that this machine can reach ${queue.repository}, or fetch it yourself: git fetch ${queue.repository} ${branch}`,
        },
      );
  }
  return { path: '', branch, base: queue.commit, repo };
}
