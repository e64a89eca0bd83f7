import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChangeStat } from '../../core/bestof/comparison.js';
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
 * Runs `diff` with an index holding everything in the worktree, new files included, without
 * touching its real index: `git add -A` runs against a copy of the index, deleted afterwards.
 */
function withEverythingStaged<T>(info: WorktreeInfo, diff: (env: NodeJS.ProcessEnv) => T): T {
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
    return diff(env);
  } finally {
    unlinkQuietly(scratch);
  }
}

/** The worktree's uncommitted changes as one diff against the branch, new files included. */
function uncommittedDiff(info: WorktreeInfo, options: DiffOptions): string {
  return withEverythingStaged(info, (env) =>
    gitOk(['diff', '--cached', ...formatArgs(options), 'HEAD'], info.path, env),
  );
}

/** `git diff --numstat -z --no-renames` output: lines added and removed, and the paths. */
function parseNumstat(output: string): ChangeStat {
  const stat: ChangeStat = { added: 0, removed: 0, files: [] };
  for (const record of output.split('\0')) {
    const match = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(record.replace(/^\n/, ''));
    if (!match) continue;
    stat.added += match[1] === '-' ? 0 : Number(match[1]);
    stat.removed += match[2] === '-' ? 0 : Number(match[2]);
    stat.files.push(match[3] as string);
  }
  return stat;
}

/**
 * Everything a worktree task changed since its base: what it committed and what it left
 * uncommitted together, or the branch alone once the worktree is gone; undefined when the branch
 * is gone too.
 */
export function worktreeChanges(info: WorktreeInfo): ChangeStat | undefined {
  const args = ['diff', '--numstat', '-z', '--no-renames'];
  if (existsSync(info.path))
    return withEverythingStaged(info, (env) =>
      parseNumstat(gitOk([...args, '--cached', info.base], info.path, env)),
    );
  if (!branchExists(info.repo, info.branch)) return undefined;
  return parseNumstat(gitOk([...args, info.base, info.branch], info.repo));
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
