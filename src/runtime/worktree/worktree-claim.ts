import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { unlinkQuietly, writeFileAtomic, writeFileExclusive } from '../fs/atomic-write.js';
import type { RootPaths } from '../paths.js';
import { isProcessAlive, processStartTime } from '../process/process-info.js';
import { listDir } from '../store/read-text.js';
import { removeWorktree } from './remove-worktree.js';
import { worktreeState } from './worktree-state.js';

/**
 * A worktree is made before its task folder is renamed into place, so a `dispatch run` killed in
 * between would leave a worktree without a task. The creator therefore first claims the id with
 * `.dispatch/worktrees/.<id>.claim` (its pid and process start time, then the worktree), and drops
 * the claim once the task folder is in place. A claim whose creator is dead marks an orphan, which
 * the next `dispatch run` removes — unless it holds work, which is never deleted silently.
 */
interface ClaimRecord {
  pid: number;
  startTime: string | null;
  worktree?: WorktreeInfo;
}

const SUFFIX = '.claim';

function claimPath(paths: RootPaths, id: string): string {
  return join(paths.worktrees, `.${id}${SUFFIX}`);
}

export interface WorktreeClaim {
  /** Records the worktree about to be made under this claim, so an orphan can be removed. */
  record(worktree: WorktreeInfo): void;
  release(): void;
}

/** Claims an id for a new worktree; undefined when another creator holds it. */
export function claimWorktreeId(paths: RootPaths, id: string): WorktreeClaim | undefined {
  mkdirSync(paths.worktrees, { recursive: true, mode: 0o700 });
  const path = claimPath(paths, id);
  const owner = { pid: process.pid, startTime: processStartTime(process.pid) };
  if (!writeFileExclusive(path, JSON.stringify(owner), { mode: 0o600 })) return undefined;
  return {
    // Replacing our own claim file in one rename: still ours, now naming the worktree.
    record: (worktree) =>
      writeFileAtomic(path, JSON.stringify({ ...owner, worktree }), { mode: 0o600 }),
    release: () => unlinkQuietly(path),
  };
}

export function isClaimed(paths: RootPaths, id: string): boolean {
  return existsSync(claimPath(paths, id));
}

/**
 * Removes what interrupted runs left: for each claim of a dead creator, the worktree and branch it
 * made (when no task folder took them over and they hold no work), then the claim itself.
 * Returns the ids cleaned up.
 */
export function cleanOrphanWorktrees(paths: RootPaths): string[] {
  const cleaned: string[] = [];
  for (const name of listDir(paths.worktrees)) {
    if (!name.startsWith('.') || !name.endsWith(SUFFIX)) continue;
    const id = name.slice(1, -SUFFIX.length);
    const path = join(paths.worktrees, name);
    let claim: ClaimRecord;
    try {
      claim = JSON.parse(readFileSync(path, 'utf8')) as ClaimRecord;
    } catch {
      continue; // being written right now
    }
    if (isProcessAlive(claim.pid, claim.startTime)) continue;
    const taskExists = existsSync(join(paths.tasks, id));
    if (!taskExists && claim.worktree) {
      try {
        const state = worktreeState(claim.worktree);
        if (state.uncommitted.length > 0 || state.commits > 0) continue;
        removeWorktree(claim.worktree);
      } catch {
        continue; // try again next time rather than lose anything
      }
    }
    unlinkQuietly(path);
    cleaned.push(id);
  }
  return cleaned;
}
