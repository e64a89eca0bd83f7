import type { TaskState } from '../core/status/task-status.js';
import type { Priority, WorktreeInfo } from '../core/task/task-meta.js';
import type { FailureCause } from '../core/backends/backend.js';
import type { WorktreeDiff } from '../runtime/worktree/worktree-diff.js';
import type { TaskSummary } from './task-summary.js';

/** Where a {@link Dispatcher} works. */
export interface DispatcherOptions {
  /**
   * The folder whose `.dispatch/` root holds the tasks: the nearest ancestor with
   * `.dispatch/tasks`, else the enclosing git repository's top, else this folder.
   * Default: `process.cwd()`.
   */
  cwd?: string;
  /**
   * Environment used to find the config (`DISPATCH_CONFIG`, `DISPATCH_HOME`, `HOME`) and the root
   * (`DISPATCH_ROOT`). Default: `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** Who answers and cancels, as recorded in each task's history. Default: `"api"`. */
  by?: string;
  /**
   * Refuse a request's `cwd` that leads outside `cwd` (what the MCP server does: it serves one
   * project). Default: false.
   */
  confine?: boolean;
}

/** The result of {@link Dispatcher.run}: the new task's summary and what was decided for it. */
export interface RunResult extends TaskSummary {
  /** The backend (agent CLI) the model runs on. */
  backend: string;
  /**
   * How the model was chosen: passed explicitly, named in the task text, the default, or left to
   * the scheduler by capability.
   */
  modelVia: 'flag' | 'text' | 'default' | 'capability';
  /** The alias the model was chosen through, if any. */
  alias: string | null;
  capability: string | null;
  /** The git worktree the worker runs in (branch `dispatch/<id>`), when one was asked for. */
  worktree: WorktreeInfo | null;
  priority: Priority;
  /** Tasks this one waits for. */
  after: string[];
  taskDir: string;
  planFile: string;
  /** The plan's checklist items as written. */
  items: string[];
}

/** The result of {@link Dispatcher.status} for one task: its summary plus, after a failure, why. */
export interface TaskDetail extends TaskSummary {
  /** The git worktree the worker runs in, if the task has one. */
  worktree: WorktreeInfo | null;
  taskDir: string;
  planFile: string;
  /** For failed, timed-out or not-started tasks: the cause recognised in the worker's log. */
  cause: FailureCause | null;
  /** For failed, timed-out or not-started tasks: the last lines of the worker's log. */
  logTail: string[] | null;
  /** For failed, timed-out or not-started tasks: other configured models whose CLI is installed. */
  alternatives: string[] | null;
}

/** The result of {@link Dispatcher.answer}. */
export interface AnswerResult {
  id: string;
  /** The question answered; null for a question left in the plan by a worker that gave up. */
  seq: number | null;
  /** A new worker was started because the one that asked had given up waiting. */
  resumed: boolean;
  state: TaskState;
}

/** The result of {@link Dispatcher.note}. */
export interface NoteResult {
  id: string;
  /** The note's file name under the task's `notes/` folder, without `.md`. */
  noteId: string;
}

/** The result of {@link Dispatcher.cancel}. */
export interface CancelResult {
  id: string;
  state: TaskState;
  /** The worker ignored SIGTERM and had to be killed. */
  killed: boolean;
}

/** The result of {@link Dispatcher.retry}. */
export interface RetryResult {
  id: string;
  attempt: number;
  /** The model the new attempt runs with. */
  model: string;
  state: TaskState;
}

/** The result of {@link Dispatcher.diff}: what a worktree task's branch and folder hold. */
export interface DiffResult extends WorktreeDiff {
  id: string;
}

/** The result of {@link Dispatcher.merge} (see `dispatch merge`). */
export type { MergeResult } from '../runtime/worktree/merge-worktree.js';
/** The result of {@link Dispatcher.discard} (see `dispatch discard`). */
export type { DiscardResult } from '../runtime/worktree/discard-worktree.js';

/** The result of {@link Dispatcher.logs}. */
export interface LogsResult {
  id: string;
  logFile: string;
  /** The last non-empty lines of the worker's output (at most the last 64 KiB are read). */
  lines: string[];
}

/** What {@link Dispatcher.wait} waits for. */
export interface WaitOptions {
  /** Tasks to wait for; default: every task unfinished now, and any created while waiting. */
  ids?: string[];
  /** Give up after this long (the result's event is then `timeout`); default: no limit. */
  timeoutMs?: number;
  /** Stops the wait; the promise then rejects with a DispatchError of code `timeout`. */
  signal?: AbortSignal;
}

/**
 * The result of {@link Dispatcher.wait}: `attention` when a task has a pending question or
 * finished (the tasks that need the user), `timeout` when the time ran out (the watched tasks),
 * `idle` when nothing was running or queued, `removed` when the folder of a watched task was
 * deleted while waiting (`removed` names them; nothing will ever finish them).
 */
export interface WaitResult {
  event: 'attention' | 'timeout' | 'idle' | 'removed';
  tasks: TaskSummary[];
  removed?: string[];
}

/** A text file of a task (its plan, its output). */
export interface TaskText {
  id: string;
  file: string;
  /** The file's text; null when the file does not exist (yet). */
  text: string | null;
}

/** One model a task can run with, from the config. */
export interface ModelInfo {
  name: string;
  backend: string;
  /** The backend's CLI is installed (found on PATH), or it is the built-in simulated worker. */
  ready: boolean;
  isDefault: boolean;
}

/** The result of {@link Dispatcher.models}. */
export interface ModelsResult {
  /** The config file in use, or null when there is none (only the simulated worker exists). */
  configFile: string | null;
  default: string | null;
  models: ModelInfo[];
  aliases: { name: string; model: string; isDefault: boolean }[];
}

/** What {@link Dispatcher.subscribe} listens to. */
export interface SubscribeOptions {
  /** Only these tasks; default: every task, including new ones. */
  ids?: string[];
}
