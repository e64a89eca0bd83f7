import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../../core/text/shell-quote.js';
import { DispatchError } from '../../core/errors.js';
import { noteAppendix } from '../../core/plan/edit-plan.js';
import { appendToExistingFile } from '../fs/append-text.js';
import { preview } from '../../core/task/task-events.js';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { refuseSymlink } from '../fs/no-follow.js';
import { withLock } from '../lock/file-lock.js';
import type { TaskFiles } from '../paths.js';
import { MAX_PLAN_BYTES, readTextFile } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';

/**
 * Adds a dispatcher note to a task's plan (the contract's only dispatcher-to-worker channel).
 * The note is also kept in notes/ and recorded as an event before it is appended, so the
 * supervisor can put it back if a worker's concurrent rewrite of plan.md drops it.
 */
export function noteTask(store: TaskStore, id: string, text: string): { noteId: string } {
  const files = store.requireOwn(id, 'add notes to');
  if (!text.trim())
    throw new DispatchError('usage', 'the note is empty', {
      hint: `Give the note text after the id, e.g. dispatch note ${id} "The admin panel uses legacy-auth.js"`,
    });
  const status = store.status(id);
  if (TERMINAL_STATES.has(status.state)) {
    // A finished task goes on with new instructions in its worker's own session.
    throw new DispatchError('state', `task ${id} is ${status.state}; no worker will read a note`, {
      hint:
        status.state === 'timed-out' || status.state === 'not-started'
          ? `Start it again, then add the note: dispatch retry ${id}`
          : `Its worker resumes its session with new instructions: dispatch continue ${id} ${shellQuote(text.trim())}`,
    });
  }
  const plan = readTextFile(files.plan, MAX_PLAN_BYTES);
  if (!plan.ok)
    throw new DispatchError('plan', `cannot add a note to ${id}: ${plan.problem}`, {
      hint: 'The plan file was left as it is.',
    });
  const noteId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  refuseSymlink(files.notes);
  mkdirSync(files.notes, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(files.notes, `${noteId}.md`), text.trim(), { mode: 0o600 });
  // Under the task's note lock: the supervisor must not see the note recorded but not yet
  // appended, take it for dropped and append it a second time.
  withLock(notesLock(files), 30_000, () => {
    store.appendEvent(id, { type: 'note', id: noteId, preview: preview(text) });
    // Appended in place rather than rewritten, so a worker's concurrent edit is never undone; a
    // note its rewrite drops is put back by the supervisor (it is kept in notes/ and the events).
    // The separator depends on how the plan ends now (another note, or an item the note must not
    // run into), so it is read again under the lock.
    const now = readTextFile(files.plan, MAX_PLAN_BYTES);
    appendToExistingFile(files.plan, noteAppendix(now.ok ? now.text : plan.text, text));
  });
  return { noteId };
}

/** Held while a note is recorded and appended, and while dropped notes are put back. */
export function notesLock(files: TaskFiles): string {
  return join(files.taskDir, '.notes.lock');
}
