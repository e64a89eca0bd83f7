/**
 * agent-dispatch as a library: hand tasks to background AI coding-agent CLIs with a checklist
 * plan, relay their questions, and learn when they finish — the same operations as the `dispatch`
 * CLI and its MCP server, on the same task files.
 *
 * @example
 * ```ts
 * import { Dispatcher } from 'agent-dispatch';
 *
 * const dispatcher = new Dispatcher({ cwd: process.cwd() });
 * const task = await dispatcher.run({ title: 'Greeting', items: ['ask: Whom should I greet?'] });
 * const { tasks } = await dispatcher.wait({ ids: [task.id] });
 * if (tasks[0]?.question) await dispatcher.answer(task.id, 'Everyone');
 * ```
 *
 * @packageDocumentation
 */
export { Dispatcher } from './api/dispatcher.js';
export { statusJson, type TaskSummary } from './api/task-summary.js';
export type {
  AnswerResult,
  CancelResult,
  CompareResult,
  DiffResult,
  CleanResult,
  DiscardResult,
  DispatcherOptions,
  ListTask,
  LogsResult,
  MergeResult,
  ModelInfo,
  ModelsResult,
  NoteResult,
  OverviewTask,
  PickResult,
  RetryResult,
  RunRequest,
  RunRequest as DispatchRequest,
  RunResult,
  SubscribeOptions,
  TaskDetail,
  TaskResultsView,
  TaskText,
  WaitOptions,
  WaitResult,
} from './api/api-types.js';
export { DispatchError, isDispatchError } from './core/errors.js';
export type { ErrorCode, SourceLocation } from './core/errors.js';
export { TASK_STATES } from './core/status/task-status.js';
export { TERMINAL_STATES } from './core/status/state-groups.js';
export type { PendingQuestion, TaskState, TaskStatus } from './core/status/task-status.js';
export type { Priority, WorktreeInfo } from './core/task/task-meta.js';
export type { FeedEvent, FeedEventKind } from './operations/task-feed.js';
export type { FailureCause, FailureKind } from './core/backends/backend.js';
