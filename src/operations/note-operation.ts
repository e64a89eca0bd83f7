import * as z from 'zod/mini';
import { noteTask } from '../runtime/tasks/note-task.js';
import { defineOperation } from './define-operation.js';
import { someText, taskId } from './task-fields.js';

export const noteInput = z.object({
  id: taskId,
  text: someText('note', 'Context for the worker; it reads it before its next item'),
});

export const noteResult = z.object({
  id: z.string(),
  /** The note's file name under the task's `notes/` folder, without `.md`. */
  noteId: z.string(),
});

export type NoteResult = z.output<typeof noteResult>;

/** Appends `> **Note from dispatcher:** …` to the plan; the worker reads it before its next item. */
export const noteOperation = defineOperation({
  name: 'note',
  input: noteInput,
  result: noteResult,
  run: (ctx, { id, text }): NoteResult => ({ id, noteId: noteTask(ctx.store, id, text).noteId }),
});
