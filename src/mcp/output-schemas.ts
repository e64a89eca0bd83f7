import * as z from 'zod';
import type {
  AnswerResult,
  CancelResult,
  DiffResult,
  DiscardResult,
  LogsResult,
  MergeResult,
  ModelsResult,
  NoteResult,
  RetryResult,
  RunResult,
  TaskDetail,
  WaitResult,
} from '../api/api-types.js';
import type { TaskSummary } from '../api/task-summary.js';
import { TASK_STATES } from '../core/status/task-status.js';
import { PRIORITIES } from '../core/task/task-meta.js';

/**
 * The tools' structured output, as schemas the host can read from `tools/list`. They mirror the
 * library's result types; the checks at the bottom fail the build if the two drift apart.
 */
const state = z.enum(TASK_STATES);

export const taskSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  state,
  model: z.string().nullable(),
  attempt: z.number().int(),
  pid: z.number().int().nullable(),
  progress: z.object({
    done: z.number().int(),
    total: z.number().int(),
    current: z.string().nullable(),
    blocked: z.array(z.object({ index: z.number().int(), text: z.string(), question: z.string() })),
    errors: z.array(
      z.object({ index: z.number().int(), text: z.string(), description: z.string() }),
    ),
  }),
  question: z
    .object({ seq: z.number().int().nullable(), text: z.string(), live: z.boolean() })
    .nullable(),
  exit: z.object({ code: z.number().int(), signal: z.string().nullable() }).nullable(),
  reason: z.string().nullable(),
  createdAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  elapsedMs: z.number().nullable(),
  legacy: z.boolean(),
  untrusted: z.string().nullable(),
});

const worktreeInfo = z.object({
  path: z.string(),
  branch: z.string(),
  base: z.string(),
  repo: z.string(),
});
const worktree = worktreeInfo.nullable();

export const runOutput = taskSummarySchema.extend({
  backend: z.string(),
  modelVia: z.enum(['flag', 'text', 'default', 'capability']),
  alias: z.string().nullable(),
  capability: z.string().nullable(),
  worktree,
  priority: z.enum(PRIORITIES),
  after: z.array(z.string()),
  taskDir: z.string(),
  planFile: z.string(),
  items: z.array(z.string()),
});

export const statusOutput = taskSummarySchema.extend({
  worktree,
  taskDir: z.string(),
  planFile: z.string(),
  cause: z
    .object({
      kind: z.string().describe('not-installed, auth, rate-limit, model-unavailable, network, …'),
      evidence: z.string(),
      advice: z.string(),
    })
    .nullable(),
  logTail: z.array(z.string()).nullable(),
  alternatives: z.array(z.string()).nullable(),
});

export const listOutput = z.object({ tasks: z.array(taskSummarySchema) });

export const answerOutput = z.object({
  id: z.string(),
  seq: z.number().int().nullable(),
  resumed: z.boolean(),
  state,
});

export const noteOutput = z.object({ id: z.string(), noteId: z.string() });

export const cancelOutput = z.object({ id: z.string(), state, killed: z.boolean() });

export const retryOutput = z.object({
  id: z.string(),
  attempt: z.number().int(),
  model: z.string(),
  state,
});

export const diffOutput = z.object({
  id: z.string(),
  worktree: worktreeInfo,
  present: z.boolean(),
  branchExists: z.boolean(),
  commits: z.array(z.string()),
  committed: z.string(),
  uncommittedFiles: z.array(z.string()),
  uncommitted: z.string(),
});

export const mergeOutput = z.object({
  id: z.string(),
  branch: z.string(),
  repo: z.string(),
  into: z.string(),
  committed: z.string().nullable(),
  outcome: z.enum(['merged', 'up-to-date']),
  head: z.string(),
});

export const discardOutput = z.object({
  id: z.string(),
  branch: z.string(),
  path: z.string(),
  lost: z.object({ uncommitted: z.number().int(), unmerged: z.number().int() }),
});

export const logsOutput = z.object({
  id: z.string(),
  logFile: z.string(),
  lines: z.array(z.string()),
});

export const waitOutput = z.object({
  event: z.enum(['attention', 'timeout', 'idle', 'removed']),
  tasks: z.array(taskSummarySchema),
  removed: z.array(z.string()).optional(),
});

export const modelsOutput = z.object({
  configFile: z.string().nullable(),
  default: z.string().nullable(),
  models: z.array(
    z.object({ name: z.string(), backend: z.string(), ready: z.boolean(), isDefault: z.boolean() }),
  ),
  aliases: z.array(z.object({ name: z.string(), model: z.string(), isDefault: z.boolean() })),
});

/** True only when every value of T passes the schema and the schema names exactly T's fields. */
type Mirrors<Schema extends z.ZodType, T> = [T] extends [z.input<Schema>]
  ? [keyof z.input<Schema>] extends [keyof T]
    ? [keyof T] extends [keyof z.input<Schema>]
      ? true
      : false
    : false
  : false;

const _mirrors: [
  Mirrors<typeof taskSummarySchema, TaskSummary>,
  Mirrors<typeof runOutput, RunResult>,
  Mirrors<typeof statusOutput, TaskDetail>,
  Mirrors<typeof listOutput, { tasks: TaskSummary[] }>,
  Mirrors<typeof answerOutput, AnswerResult>,
  Mirrors<typeof noteOutput, NoteResult>,
  Mirrors<typeof cancelOutput, CancelResult>,
  Mirrors<typeof retryOutput, RetryResult>,
  Mirrors<typeof diffOutput, DiffResult>,
  Mirrors<typeof mergeOutput, MergeResult>,
  Mirrors<typeof discardOutput, DiscardResult>,
  Mirrors<typeof logsOutput, LogsResult>,
  Mirrors<typeof waitOutput, WaitResult>,
  Mirrors<typeof modelsOutput, ModelsResult>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void _mirrors;
