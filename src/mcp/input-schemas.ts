import * as z from 'zod';
import { PRIORITIES } from '../core/task/task-meta.js';

/** The tools' arguments. Descriptions are what the host model reads: say what makes a good value. */
const taskId = z.string().describe('Task id, as returned by dispatch_run (e.g. "security-review")');

export const runInput = {
  task: z
    .string()
    .optional()
    .describe(
      'What to do, in words: the context the worker gets. Given alone, the worker first expands it into checklist items.',
    ),
  title: z.string().optional().describe('Plan title; the task id is made from it'),
  items: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Checklist items: concrete, verifiable steps, as many as the task needs (1-2 for a small edit, 5-8 for an investigation); end with an output artifact such as "Write findings to output.md" when it fits',
    ),
  plan: z
    .string()
    .optional()
    .describe('A whole plan.md instead of items: "# Title", then "- [ ] item" lines'),
  model: z
    .string()
    .optional()
    .describe('Model or alias from the config (see dispatch_models); default: the configured one'),
  cwd: z
    .string()
    .optional()
    .describe(
      "Folder the worker runs in, relative to the server's folder and inside it; default: the project",
    ),
  worktree: z
    .boolean()
    .optional()
    .describe(
      'Run in a new git worktree on branch dispatch/<id>, so the main checkout stays untouched (review with `dispatch diff`, bring in with `dispatch merge`)',
    ),
  id: z.string().optional().describe('Task id to use instead of one made from the title'),
  priority: z.enum(PRIORITIES).optional().describe('Queued tasks start by priority'),
  after: z.array(z.string()).optional().describe('Start only when these tasks are done'),
};

export const statusInput = { id: taskId };

export const answerInput = {
  id: taskId,
  text: z.string().min(1).describe("The user's answer, passed on as written"),
  seq: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Which question (its number); default: the oldest unanswered one'),
};

export const noteInput = {
  id: taskId,
  text: z.string().min(1).describe('Context for the worker; it reads it before its next item'),
};

export const cancelInput = {
  id: taskId,
  reason: z.string().optional().describe('Why, kept in the task history'),
};

export const retryInput = {
  id: taskId,
  model: z.string().optional().describe('Another model or alias for this attempt'),
};

export const diffInput = {
  id: taskId,
  stat: z.boolean().optional().describe('A summary per file instead of the full patches'),
};

export const mergeInput = { id: taskId };

export const discardInput = {
  id: taskId,
  yes: z
    .boolean()
    .optional()
    .describe(
      'Delete even uncommitted or unmerged work. Only after the user said so: it exists nowhere else',
    ),
};

export const logsInput = {
  id: taskId,
  lines: z.number().int().min(1).max(2000).optional().describe('How many last lines (default 50)'),
};

export const waitInput = {
  ids: z
    .array(z.string())
    .optional()
    .describe('Tasks to wait for; default: every unfinished task and any new one'),
  timeoutSeconds: z
    .number()
    .min(0)
    .max(3600)
    .optional()
    .describe(
      'Return with event "timeout" after this long (default 50, under common client request limits); call again to keep waiting',
    ),
};
