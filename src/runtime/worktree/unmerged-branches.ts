import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { git } from './git.js';

/**
 * The task branches holding commits their repository's current HEAD lacks, for listings: one
 * `git for-each-ref` per repository whatever the number of tasks, so `dispatch list` stays cheap
 * with thousands of them. Uncommitted files in a worktree are not looked at here (that is a
 * `git status` per worktree: `dispatch show ID` does it for one task). A repository git cannot
 * read gives no answer for its tasks (absent from the result).
 */
export function unmergedBranches(worktrees: readonly WorktreeInfo[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const repo of new Set(worktrees.map((info) => info.repo))) {
    const listed = git(
      ['for-each-ref', '--no-merged=HEAD', '--format=%(refname:short)', 'refs/heads/'],
      repo,
    );
    if (listed.code !== 0) continue;
    result.set(repo, new Set(listed.stdout.split('\n').filter((line) => line !== '')));
  }
  return result;
}

/** Whether the task's branch holds unmerged commits; null when its repository could not say. */
export function branchUnmerged(
  unmerged: Map<string, Set<string>>,
  info: WorktreeInfo,
): boolean | null {
  const branches = unmerged.get(info.repo);
  return branches ? branches.has(info.branch) : null;
}
