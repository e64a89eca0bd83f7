import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { unlinkQuietly, writeFileAtomic } from '../fs/atomic-write.js';
import { git, gitOk } from './git.js';
import { branchExists } from './repository.js';

export interface WorktreeDiff {
  worktree: WorktreeInfo;
  present: boolean;
  branchExists: boolean;
  /** `git log --oneline base..branch`: what the worker (or a merge) committed. */
  commits: string[];
  /** The branch's changes since its base (a patch, or a stat with `stat`). */
  committed: string;
  /** Files changed in the worktree but not committed (`git status --porcelain`). */
  uncommittedFiles: string[];
  /** Those changes against the branch, new files included (a patch, or a stat). */
  uncommitted: string;
}

export interface DiffOptions {
  stat?: boolean;
  color?: boolean;
}

function formatArgs(options: DiffOptions): string[] {
  return [options.color ? '--color=always' : '--no-color', ...(options.stat ? ['--stat'] : [])];
}

/**
 * The worktree's uncommitted changes as one diff, new files included, without touching its
 * index: `git add -A` runs against a copy of the index, which is deleted afterwards.
 */
function uncommittedDiff(info: WorktreeInfo, options: DiffOptions): string {
  const realIndex = resolve(
    info.path,
    gitOk(['rev-parse', '--git-path', 'index'], info.path).trim(),
  );
  const scratch = join(
    dirname(info.path),
    `.${info.branch.replace(/\//g, '-')}.${process.pid}.${randomBytes(4).toString('hex')}.index.tmp`,
  );
  try {
    if (existsSync(realIndex)) writeFileAtomic(scratch, readFileSync(realIndex), { mode: 0o600 });
    const env = { GIT_INDEX_FILE: scratch };
    gitOk(['add', '-A'], info.path, env);
    return gitOk(['diff', '--cached', ...formatArgs(options), 'HEAD'], info.path, env);
  } finally {
    unlinkQuietly(scratch);
  }
}

/** What a task's worktree holds: committed on its branch, and still uncommitted in the folder. */
export function worktreeDiff(info: WorktreeInfo, options: DiffOptions = {}): WorktreeDiff {
  const present = existsSync(info.path);
  const hasBranch = branchExists(info.repo, info.branch);
  const range = `${info.base}..${info.branch}`;
  const log = hasBranch ? git(['log', '--oneline', '--no-decorate', range], info.repo) : undefined;
  return {
    worktree: info,
    present,
    branchExists: hasBranch,
    commits: log?.code === 0 ? log.stdout.split('\n').filter(Boolean) : [],
    committed: hasBranch
      ? gitOk(['diff', ...formatArgs(options), info.base, info.branch], info.repo)
      : '',
    uncommittedFiles: present
      ? gitOk(['status', '--porcelain', '--untracked-files=all'], info.path)
          .split('\n')
          .filter((line) => line.trim() !== '')
      : [],
    uncommitted: present ? uncommittedDiff(info, options) : '',
  };
}
