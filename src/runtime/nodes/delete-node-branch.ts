import type { TaskMeta } from '../../core/task/task-meta.js';
import { git } from '../worktree/git.js';
import { TRANSPORTS } from './code-checkout.js';

/** What became of a node task's branch on the repository's remote when it was discarded. */
export interface RemoteBranchOutcome {
  /** The repository the node pushed to (task.json's queue.repository). */
  url: string;
  deleted: boolean;
  /** Why it is still there: git's own words. */
  error: string | null;
}

/**
 * Deletes `dispatch/<id>` where the node pushed it, after `dispatch discard` removed the local
 * copy: the branch belongs to the task, so discarding the task's work discards it there too. A
 * remote that refuses or cannot be reached leaves it, and the outcome says why; the local part
 * of the discard stands. Undefined when the node pushed into the user's repository itself (no
 * remote): deleting the local branch deleted it.
 */
export function deleteNodeBranch(meta: TaskMeta, repo: string): RemoteBranchOutcome | undefined {
  const url = meta.queue?.repository;
  if (url === undefined || url === repo) return undefined;
  const ref = `refs/heads/dispatch/${meta.id}`;
  const pushed = git(['push', '--quiet', '--', url, `:${ref}`], repo, TRANSPORTS);
  if (pushed.code === 0) return { url, deleted: true, error: null };
  // The remote's own words (a hook's message) and git's verdict; not the "To <url>" line.
  const said = pushed.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('To '))
    .join('; ')
    .slice(0, 600);
  return { url, deleted: false, error: said || `git push exited ${pushed.code}` };
}
