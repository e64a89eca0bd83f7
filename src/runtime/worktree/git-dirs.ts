import { git } from './git.js';

/**
 * The folders `git commit` writes to from a worktree, which lie outside it: the worktree's own
 * git dir (index, HEAD) and the repository's common git dir (objects, refs). Absolute, without
 * duplicates; none when git cannot tell (the worker then reports git's own error).
 */
export function worktreeGitDirs(worktree: string): string[] {
  const result = git(
    ['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir'],
    worktree,
  );
  if (result.code !== 0) return [];
  return [...new Set(result.stdout.split('\n').filter((line) => line.trim() !== ''))];
}
