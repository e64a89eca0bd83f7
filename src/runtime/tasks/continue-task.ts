import { existsSync, unlinkSync } from 'node:fs';
import { shellQuote } from '../../core/text/shell-quote.js';
import { DispatchError } from '../../core/errors.js';
import { itemsAppendix } from '../../core/plan/edit-plan.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { nextAttempt } from '../../core/task/task-events.js';
import { appendToExistingFile } from '../fs/append-text.js';
import { fileSystemError } from '../fs/file-error.js';
import { lstatQuietly } from '../fs/no-follow.js';
import { withLock } from '../lock/file-lock.js';
import { MAX_PLAN_BYTES, readTextFile } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { notesLock } from './note-task.js';
import { resumeTask } from './resume-task.js';

export interface ContinueRequest {
  id: string;
  /** What the worker is to do now. */
  instructions: string;
  /** Plan items to add at the end of the plan, unchecked. */
  items?: readonly string[];
}

export interface ContinueResult {
  attempt: number;
  /** The worker CLI's session that continues, or undefined when a new worker starts. */
  session: string | undefined;
  status: TaskStatus;
}

/** The states a task can be continued from: its worker has ended, and nothing else will run. */
const CONTINUABLE = new Set(['done', 'failed', 'cancelled', 'verify-failed']);

/**
 * Gives a finished task new instructions: the worker CLI resumes its own session with them when
 * it can (the model still knows what it did), else a new worker gets the plan, context.md and
 * the instructions. New items go to the end of the plan; the completion marker is removed so
 * the task is done again only when the worker says so. It runs where the task ran (its worktree).
 */
export function continueTask(store: TaskStore, request: ContinueRequest): ContinueResult {
  const { id } = request;
  const files = store.requireOwn(id, 'continue');
  const instructions = request.instructions.trim();
  if (!instructions)
    throw new DispatchError('usage', 'the instructions are empty', {
      hint: `Say what to do next: dispatch continue ${id} "Also add tests for the parser"`,
    });
  const items = (request.items ?? []).map((item) => item.trim()).filter(Boolean);
  const snapshot = store.snapshot(id);
  const status = deriveStatus(snapshot);
  if (!CONTINUABLE.has(status.state))
    throw new DispatchError(
      'state',
      `task ${id} is ${status.state}; only a done, failed or cancelled task can be continued`,
      { hint: continueHint(id, status.state, instructions) },
    );
  const worktree = snapshot.meta?.worktree?.path;
  if (worktree !== undefined && !existsSync(worktree))
    throw new DispatchError(
      'state',
      `the worktree of ${id} (${worktree}) is gone: it was merged or discarded`,
      { hint: 'Dispatch a new task for the follow-up work.' },
    );
  if (items.length > 0) {
    const plan = readTextFile(files.plan, MAX_PLAN_BYTES);
    if (!plan.ok)
      throw new DispatchError('plan', `cannot add items to ${id}: ${plan.problem}`, {
        hint: 'The plan file was left as it is.',
      });
    // Under the note lock, like a note: appended in place, never a rewrite of the file.
    withLock(notesLock(files), 30_000, () => {
      const now = readTextFile(files.plan, MAX_PLAN_BYTES);
      appendToExistingFile(files.plan, itemsAppendix(now.ok ? now.text : plan.text, items));
    });
  }
  removeCompletionMarker(files.ipcFile('.done'));
  const { attempt, started } = resumeTask(store, id, {
    reason: 'continue',
    attempt: nextAttempt(snapshot.events),
    instructions,
    newItems: items,
  });
  if (!started)
    throw new DispatchError('conflict', `task ${id} was just started again (attempt ${attempt})`, {
      hint: `Follow it with: dispatch wait ${id}`,
    });
  const after = store.snapshot(id);
  const resumed = after.events.findLast((e) => e.type === 'resumed' && e.attempt === attempt);
  return {
    attempt,
    session: resumed?.type === 'resumed' ? resumed.session : undefined,
    status: deriveStatus(after),
  };
}

/** What to do instead, as a command that does it when pasted (the user's own words quoted). */
function continueHint(id: string, state: string, instructions: string): string {
  if (state === 'waiting' || state === 'running' || state === 'queued')
    return `Its worker is still at it; give the instructions as a note: dispatch note ${id} ${shellQuote(instructions)}`;
  if (state === 'blocked') return `It waits for an answer first: dispatch answer ${id}`;
  return `Start it again with: dispatch retry ${id}`;
}

/** ipc/.done, so the task counts as done only when the worker marks it again. */
export function removeCompletionMarker(path: string): void {
  if (!lstatQuietly(path)) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemError(error, path);
  }
}
