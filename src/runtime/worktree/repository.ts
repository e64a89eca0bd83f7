import { realpathSync } from 'node:fs';
import { DispatchError } from '../../core/errors.js';
import { git } from './git.js';

export interface Repository {
  /** The top level of the work tree that contains the folder. */
  top: string;
  /** The commit checked out there (the base of a new worktree). */
  head: string;
}

/**
 * The git repository a task's folder belongs to, with its current commit. Outside a repository,
 * or in one without a commit yet, a clear error: a worktree needs a commit to branch from.
 */
export function repositoryOf(dir: string, why = 'A worktree'): Repository {
  const top = git(['rev-parse', '--show-toplevel'], dir);
  if (top.code !== 0) {
    throw new DispatchError('state', `${dir} is not inside a git repository`, {
      hint: `${why} needs a git repository: run it from inside one (or pass --cwd to one), run \`git init\` and commit first, or leave out --worktree (and "in a worktree" in the task text).`,
    });
  }
  const path = top.stdout.trim();
  const head = git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], path);
  if (head.code !== 0) {
    throw new DispatchError('state', `the git repository ${path} has no commit yet`, {
      hint: 'A worktree branches from the current commit: make a first commit, then dispatch again.',
    });
  }
  return { top: realpathSync(path), head: head.stdout.trim() };
}

/** Whether a local branch exists. */
export function branchExists(repo: string, branch: string): boolean {
  return git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], repo).code === 0;
}

/** The branch name a task's worktree is on. */
export function taskBranch(id: string): string {
  return `dispatch/${id}`;
}
