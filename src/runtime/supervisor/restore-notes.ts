import { join } from 'node:path';
import { noteAppendix, planHasNote } from '../../core/plan/edit-plan.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import { appendToExistingFile } from '../fs/append-text.js';
import { readEvents } from '../store/read-snapshot.js';
import { MAX_PLAN_BYTES, readFileNoFollow, readTextFile } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { tryLock } from '../lock/file-lock.js';
import type { TaskFiles } from '../paths.js';
import { notesLock } from '../tasks/note-task.js';

/**
 * Puts back dispatcher notes that a worker's concurrent rewrite of plan.md dropped: a worker that
 * read the plan before the note was appended and renamed its copy over it afterwards. Every note
 * is kept in notes/ and recorded as an event, so the check is exact. Returns how many were put back,
 * or 'busy' when a note is being added right now: the caller looks again shortly, because the
 * rewrite that dropped a note may have been the plan's last change.
 */
export function restoreDroppedNotes(store: TaskStore, id: string): number | 'busy' {
  const files = store.files(id);
  // Most plan changes drop nothing: a look without the lock keeps `dispatch note` from waiting.
  if (restoreMissing(store, id, files, false) === 0) return 0;
  // A note being added right now is not dropped, only not appended yet: decide once it is in.
  const release = tryLock(notesLock(files));
  if (!release) return 'busy';
  try {
    return restoreMissing(store, id, files, true);
  } finally {
    release();
  }
}

/** Counts the notes missing from the plan, and appends them again when `write` is set. */
function restoreMissing(store: TaskStore, id: string, files: TaskFiles, write: boolean): number {
  const noteIds = readEvents(files).flatMap((e) => (e.type === 'note' ? [e.id] : []));
  if (noteIds.length === 0) return 0;
  const read = readTextFile(files.plan, MAX_PLAN_BYTES);
  if (!read.ok) return 0;
  const plan = parsePlan(read.text);
  let text = read.text;
  let restored = 0;
  for (const noteId of noteIds) {
    let note: string;
    try {
      note = readFileNoFollow(join(files.notes, `${noteId}.md`));
    } catch {
      continue;
    }
    if (planHasNote(plan, note)) continue;
    if (!write) return 1;
    // Appended in place like the original note, so a worker's edit meanwhile is kept; if this
    // append is dropped by yet another rewrite, the next plan change brings the check back here.
    const appendix = noteAppendix(text, note);
    appendToExistingFile(files.plan, appendix);
    text += appendix;
    store.appendEvent(id, { type: 'note-restored', id: noteId });
    restored++;
  }
  return restored;
}
