import * as z from 'zod/mini';
import { DispatchError } from '../core/errors.js';
import { MAX_PLAN_BYTES, readTextFile } from '../runtime/store/read-text.js';
import { defineOperation } from './define-operation.js';
import { taskId } from './task-fields.js';

export const taskFileInput = z.object({
  id: taskId,
  file: z.enum(['plan', 'output']),
});

/** A text file of a task (its plan, its output). */
export const taskText = z.object({
  id: z.string(),
  file: z.string(),
  /** The file's text; null when the file does not exist (yet). */
  text: z.nullable(z.string()),
});

export type TaskText = z.output<typeof taskText>;

/** The task's plan.md or output.md as it is now (a very large one cut to its first part). */
export const taskFileOperation = defineOperation({
  name: 'file',
  input: taskFileInput,
  result: taskText,
  run: (ctx, { id, file }): TaskText => {
    const files = ctx.store.require(id);
    const path = file === 'plan' ? files.plan : files.output;
    const read = readTextFile(path, MAX_PLAN_BYTES, { truncate: true });
    if (read.ok) return { id, file: path, text: read.text };
    if (read.missing) return { id, file: path, text: null };
    throw new DispatchError('plan', `cannot read the ${file} of ${id}: ${read.problem}`, {
      hint: 'The file was left as it is; open it to see what the worker wrote.',
    });
  },
});
