import { existsSync } from 'node:fs';
import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { git, gitOk } from './git.js';
import { branchExists } from './repository.js';

/**
 * Removes a task's worktree folder and its branch. Callers decide whether that loses work
 * (see worktree-state.ts); this only does it. A worktree folder deleted by hand is pruned.
 */
export function removeWorktree(info: WorktreeInfo): void {
  if (existsSync(info.path)) gitOk(['worktree', 'remove', '--force', info.path], info.repo);
  else git(['worktree', 'prune'], info.repo);
  if (branchExists(info.repo, info.branch)) gitOk(['branch', '-D', info.branch], info.repo);
}
