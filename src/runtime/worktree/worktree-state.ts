import { existsSync } from 'node:fs';
import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { git, gitOk } from './git.js';
import { branchExists } from './repository.js';

export interface WorktreeState {
  /** The worktree folder is still there. */
  present: boolean;
  /** The branch still exists. */
  branch: boolean;
  /** `git status --porcelain` lines of the worktree: changes not committed on the branch. */
  uncommitted: string[];
  /** Commits on the branch since its base. */
  commits: number;
  /** Commits on the branch that the main repository's current HEAD does not contain. */
  unmerged: number;
}

/** What a task's worktree holds that exists nowhere else. */
export function worktreeState(info: WorktreeInfo): WorktreeState {
  const present = existsSync(info.path);
  const branch = branchExists(info.repo, info.branch);
  const uncommitted = present
    ? gitOk(['status', '--porcelain', '--untracked-files=all'], info.path)
        .split('\n')
        .filter((line) => line.trim() !== '')
    : [];
  const count = (range: string) => {
    const result = git(['rev-list', '--count', range], info.repo);
    return result.code === 0 ? Number(result.stdout.trim()) || 0 : 0;
  };
  return {
    present,
    branch,
    uncommitted,
    commits: branch ? count(`${info.base}..${info.branch}`) : 0,
    unmerged: branch ? count(`HEAD..${info.branch}`) : 0,
  };
}

/** Whether removing the worktree and branch would lose work. */
export function holdsWork(state: WorktreeState): boolean {
  return state.uncommitted.length > 0 || state.unmerged > 0;
}
