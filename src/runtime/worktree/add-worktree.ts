import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DispatchError } from '../../core/errors.js';
import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { RootPaths } from '../paths.js';
import { git } from './git.js';
import { removeWorktree } from './remove-worktree.js';
import { branchExists, taskBranch, type Repository } from './repository.js';
import type { WorktreeClaim } from './worktree-claim.js';

/** Where a task's worktree lives: beside the task folders, under the same `.dispatch/` root. */
export function worktreePath(paths: RootPaths, id: string): string {
  return join(paths.worktrees, id);
}

/**
 * Makes the worktrees folder invisible to git: it sits inside the user's work tree, and a
 * `git add -A` there must not pick up the task checkouts as embedded repositories.
 */
function ensureWorktreesFolder(paths: RootPaths): void {
  mkdirSync(paths.worktrees, { recursive: true, mode: 0o700 });
  const ignore = join(paths.worktrees, '.gitignore');
  if (!existsSync(ignore))
    writeFileAtomic(ignore, '# task worktrees of agent-dispatch; never part of the project\n*\n');
}

/** Whether the worktree folder or the branch of this id already exists. */
export function worktreeTaken(paths: RootPaths, id: string, repo: Repository): boolean {
  return existsSync(worktreePath(paths, id)) || branchExists(repo.top, taskBranch(id));
}

/**
 * `git worktree add -b dispatch/<id> .dispatch/worktrees/<id> <HEAD>`: a fresh checkout of the
 * current commit on a new branch, for one task. The caller holds the id's claim, in which the
 * worktree is recorded before git makes it.
 */
export function addWorktree(
  paths: RootPaths,
  id: string,
  repo: Repository,
  claim: WorktreeClaim,
): WorktreeInfo {
  ensureWorktreesFolder(paths);
  const path = worktreePath(paths, id);
  const branch = taskBranch(id);
  if (worktreeTaken(paths, id, repo)) {
    throw new DispatchError('conflict', `the worktree ${path} or the branch ${branch} exists`, {
      hint: `Remove them (dispatch discard ${id}, or git worktree remove / git branch -D) or pick another --id.`,
    });
  }
  const info: WorktreeInfo = { path, branch, base: repo.head, repo: repo.top };
  claim.record(info);
  const result = git(['worktree', 'add', '-b', branch, path, repo.head], repo.top);
  if (result.code !== 0) {
    // Neither existed before (checked above): whatever git made of them half-way goes again.
    try {
      removeWorktree(info);
    } catch {
      // the claim still names it: the next run removes it
    }
    throw new DispatchError(
      'state',
      `git worktree add failed: ${(result.stderr || result.stdout).trim()}`,
      {
        hint: `Run \`git worktree prune\` in ${repo.top} if an old worktree was deleted by hand, then try again.`,
      },
    );
  }
  return info;
}
