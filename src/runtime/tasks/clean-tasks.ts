import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deriveStatus } from '../../core/status/derive-status.js';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskState } from '../../core/status/task-status.js';
import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { withLock } from '../lock/file-lock.js';
import type { TaskStore } from '../store/task-store.js';
import { removeWorktree } from '../worktree/remove-worktree.js';
import { holdsWork, worktreeState } from '../worktree/worktree-state.js';
import { STAGING_PREFIX } from './create-task.js';

/** By default `dispatch clean` removes tasks that finished more than this long ago. */
export const DEFAULT_CLEAN_AGE_MS = 7 * 24 * 60 * 60_000;

export interface CleanOptions {
  /** Remove tasks that finished at least this long ago (default: 7 days). */
  olderThanMs?: number;
  /** Every finished task, whatever its age. */
  allFinished?: boolean;
  /** Say what would be removed; remove nothing. */
  dryRun?: boolean;
  /** Drop worktrees that hold unmerged or uncommitted work without asking. */
  yes?: boolean;
  /** Asks the user about a worktree with work in it; absent when no one can be asked. */
  confirm?: (question: string) => Promise<boolean>;
  /** The current time (tests). */
  now?: number;
}

export interface CleanedTask {
  id: string;
  state: TaskState;
  endedAt: string | null;
  /** The worktree and branch removed with it, and the work that existed only there. */
  worktree: { path: string; branch: string; uncommitted: number; unmerged: number } | null;
}

export interface KeptTask {
  id: string;
  reason: string;
}

export interface CleanResult {
  dryRun: boolean;
  /** Removed (or, in a dry run, to be removed). */
  removed: CleanedTask[];
  /** Finished and old enough, but kept: their worktree holds work the user did not agree to drop. */
  kept: KeptTask[];
}

interface Candidate extends CleanedTask {
  info: WorktreeInfo | undefined;
  holdsWork: boolean;
  work: string;
}

function describeWork(uncommitted: number, unmerged: number): string {
  const parts: string[] = [];
  if (uncommitted > 0)
    parts.push(`${uncommitted} uncommitted change${uncommitted === 1 ? '' : 's'}`);
  if (unmerged > 0) parts.push(`${unmerged} unmerged commit${unmerged === 1 ? '' : 's'}`);
  return parts.join(' and ');
}

/** Finished (and no worker left running) and ended before the cut-off. */
function finishedCandidates(store: TaskStore, cutoff: number): Candidate[] {
  const candidates: Candidate[] = [];
  for (const status of store.statuses()) {
    if (!TERMINAL_STATES.has(status.state)) continue;
    const ended = Date.parse(status.endedAt ?? status.createdAt ?? '');
    if (!(ended <= cutoff)) continue;
    const snapshot = store.snapshot(status.id);
    if (snapshot.liveness === 'alive') continue;
    // The worktree of a task not created by this user names paths someone else chose: git is
    // never run on them. Its folder inside tasks/ is removed like any other.
    const info = status.untrusted ? undefined : snapshot.meta?.worktree;
    const state = info ? worktreeState(info) : undefined;
    const uncommitted = state?.uncommitted.length ?? 0;
    const unmerged = state?.unmerged ?? 0;
    candidates.push({
      id: status.id,
      state: status.state,
      endedAt: status.endedAt ?? null,
      info,
      holdsWork: state ? holdsWork(state) : false,
      work: describeWork(uncommitted, unmerged),
      worktree:
        info && state && (state.present || state.branch)
          ? { path: info.path, branch: info.branch, uncommitted, unmerged }
          : null,
    });
  }
  return candidates;
}

/**
 * Removes one task: under its resume lock, so a retry or answer that starts a new worker at the
 * same moment either comes first (and the task is no longer finished) or finds no task. The folder
 * is renamed to a staging name first, so an interrupted removal leaves a leftover that the next
 * `dispatch run` or `dispatch doctor --fix` deletes, never a half-removed task.
 */
function removeTask(store: TaskStore, candidate: Candidate): boolean {
  const files = store.files(candidate.id);
  return withLock(join(files.taskDir, '.resume.lock'), 10_000, () => {
    const snapshot = store.snapshot(candidate.id);
    if (!TERMINAL_STATES.has(deriveStatus(snapshot).state) || snapshot.liveness === 'alive')
      return false;
    if (candidate.info) removeWorktree(candidate.info);
    const trash = join(
      store.paths.tasks,
      `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    renameSync(files.taskDir, trash);
    rmSync(trash, { recursive: true, force: true });
    return true;
  });
}

/**
 * `dispatch clean`: removes finished tasks — done, failed, timed out, cancelled or not started,
 * with no worker still running — that ended before the cut-off, with their worktrees and branches.
 * Never a task that runs, waits or is queued. A worktree that holds work existing nowhere else is
 * dropped only with `yes` or the user's confirmation; otherwise its task is kept and said so.
 */
export async function cleanTasks(
  store: TaskStore,
  options: CleanOptions = {},
): Promise<CleanResult> {
  const now = options.now ?? Date.now();
  const cutoff = options.allFinished
    ? Infinity
    : now - (options.olderThanMs ?? DEFAULT_CLEAN_AGE_MS);
  const removed: CleanedTask[] = [];
  const kept: KeptTask[] = [];
  for (const candidate of finishedCandidates(store, cutoff)) {
    const { info, holdsWork: hasWork, work, ...cleaned } = candidate;
    if (hasWork && !options.yes && options.dryRun) {
      kept.push({ id: candidate.id, reason: `would ask first: its worktree holds ${work}` });
      continue;
    }
    if (hasWork && !options.yes) {
      const agreed = options.confirm
        ? await options.confirm(
            `Task ${candidate.id}'s worktree holds ${work}. Delete it with ${info?.path} and branch ${info?.branch}?`,
          )
        : false;
      if (!agreed) {
        kept.push({
          id: candidate.id,
          reason: `its worktree holds ${work}: see it with dispatch diff ${candidate.id}, keep it with dispatch merge ${candidate.id}, or drop it with dispatch clean --yes`,
        });
        continue;
      }
    }
    if (options.dryRun || removeTask(store, candidate)) removed.push(cleaned);
  }
  return { dryRun: options.dryRun ?? false, removed, kept };
}
