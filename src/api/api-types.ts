import type { FeedEvent } from '../operations/task-feed.js';

/**
 * The library's types. Results are declared once, as the operations' schemas, so the CLI's
 * `--json`, the MCP tools' structured output and these are one shape.
 */
export type { AnswerResult } from '../operations/answer-operation.js';
export type { CancelResult } from '../operations/cancel-operation.js';
export type { CompareResult } from '../operations/compare-operation.js';
export type { DiffResult } from '../operations/diff-operation.js';
export type { DiscardResult } from '../operations/discard-operation.js';
export type { CleanResult } from '../operations/clean-operation.js';
export type { LogsResult } from '../operations/logs-operation.js';
export type { ListTask } from '../operations/list-operation.js';
export type { MergeResult } from '../operations/merge-operation.js';
export type { ModelInfo, ModelsResult } from '../operations/models-operation.js';
export type { NoteResult } from '../operations/note-operation.js';
export type { PickResult } from '../operations/pick-operation.js';
export type { RetryResult } from '../operations/retry-operation.js';
export type { ContinueResult } from '../operations/continue-operation.js';
export type { RunRequest, RunResult } from '../operations/run-operation.js';
export type { OverviewTask, TaskDetail } from '../operations/status-operation.js';
export type { TaskText } from '../operations/task-file-operation.js';
export type { TaskResultsView } from '../operations/task-results-operation.js';
export type { TaskSummary } from '../operations/task-summary.js';
export type { WaitResult } from '../operations/wait-operation.js';
export type { FeedEvent, FeedEventKind } from '../operations/task-feed.js';

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

/** What {@link Dispatcher.wait} waits for. */
export interface WaitOptions {
  /**
   * Tasks to wait for (a best-of group's id stands for all its runs, which are reported together);
   * default: every task unfinished now, and any created while waiting.
   */
  ids?: string[];
  /** Give up after this long (the result's event is then `timeout`); default: no limit. */
  timeoutMs?: number;
  /** Stops the wait; the promise then rejects with a DispatchError of code `timeout`. */
  signal?: AbortSignal;
}

/** What {@link Dispatcher.subscribe} listens to. */
export interface SubscribeOptions {
  /** Only these tasks; default: every task, including new ones. */
  ids?: string[];
}

/** A listener of {@link Dispatcher.subscribe}. */
export type FeedListener = (event: FeedEvent) => void;
