import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { worktreeGitDirs } from '../../../src/runtime/worktree/git-dirs.js';
import { gitIn, initRepo } from '../../helpers/git-repo.js';

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'git-dirs-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the git dirs of a worktree', () => {
  it('are its own git dir and the common one, both outside the worktree', () => {
    const repo = join(dir, 'repo');
    gitIn(dir, ['init', '--quiet', repo]);
    initRepo(repo, { 'a.txt': 'a\n' });
    const worktree = join(dir, 'wt');
    gitIn(repo, ['worktree', 'add', '--quiet', '-b', 'task', worktree]);
    expect(worktreeGitDirs(worktree)).toEqual([
      join(repo, '.git', 'worktrees', 'wt'),
      join(repo, '.git'),
    ]);
  });

  it('are one folder in a main checkout, and none outside git', () => {
    const repo = join(dir, 'repo');
    gitIn(dir, ['init', '--quiet', repo]);
    expect(worktreeGitDirs(repo)).toEqual([join(repo, '.git')]);
    expect(worktreeGitDirs(dir)).toEqual([]);
  });
});
