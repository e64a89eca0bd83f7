import { resolve } from 'node:path';
import type { Config } from '../core/config/config-types.js';
import { DispatchError } from '../core/errors.js';
import type { TaskStatus } from '../core/status/task-status.js';
import { loadConfig, prepareConfig } from '../runtime/config-file.js';
import type { FeedEvent } from '../runtime/feed/feed-events.js';
import { TaskFeed } from '../runtime/feed/task-feed.js';
import { findDispatchRoot } from '../runtime/paths.js';
import { confinedFolder } from '../runtime/trust/confine-path.js';
import { MAX_PLAN_BYTES, readTextFile } from '../runtime/store/read-text.js';
import { TaskStore } from '../runtime/store/task-store.js';
import { ensureSupervisor } from '../runtime/supervisor/ensure-supervisor.js';
import { answerTask } from '../runtime/tasks/answer-task.js';
import { cancelTask } from '../runtime/tasks/cancel-task.js';
import { dispatchTask, type DispatchRequest } from '../runtime/tasks/dispatch-task.js';
import { noteTask } from '../runtime/tasks/note-task.js';
import { logTail } from '../runtime/tasks/read-log.js';
import { retryTask } from '../runtime/tasks/retry-task.js';
import { waitForAttention } from '../runtime/tasks/wait-for-tasks.js';
import { discardTaskWorktree } from '../runtime/worktree/discard-worktree.js';
import { mergeTaskWorktree } from '../runtime/worktree/merge-worktree.js';
import { requireTaskWorktree } from '../runtime/worktree/task-worktree.js';
import { worktreeDiff } from '../runtime/worktree/worktree-diff.js';
import type {
  AnswerResult,
  CancelResult,
  DiffResult,
  DiscardResult,
  DispatcherOptions,
  LogsResult,
  MergeResult,
  ModelsResult,
  NoteResult,
  RetryResult,
  RunResult,
  SubscribeOptions,
  TaskDetail,
  TaskText,
  WaitOptions,
  WaitResult,
} from './api-types.js';
import { modelList } from './model-list.js';
import { overviewOrder } from '../core/status/overview-order.js';
import { taskDetail } from './task-detail.js';
import { statusJson, type TaskSummary } from './task-summary.js';
import { isActive } from '../core/status/state-groups.js';

const DEFAULT_LOG_LINES = 50;
const MAX_LOG_LINES = 2000;

function wholeNumber(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new DispatchError('usage', `${name} must be a whole number from ${min} to ${max}`, {
      hint: `It was ${JSON.stringify(value)}.`,
    });
  return value;
}

/**
 * The library API: the task operations of the `dispatch` CLI, as methods that return plain JSON-friendly
 * objects. Tasks live in the `.dispatch/` root of `cwd`; workers are real background processes
 * that outlive this object, looked after by the root's supervisor, which the methods that start
 * workers make sure is running. Failures reject with a {@link DispatchError} (a `code` such as
 * `not-found` or `state`, a message, and a `hint` saying what to do).
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher({ cwd: '/path/to/project' });
 * const task = await dispatcher.run({ title: 'Review auth', items: ['Read src/auth', 'Write findings to output.md'] });
 * const event = await dispatcher.wait({ ids: [task.id] });
 * ```
 */
export class Dispatcher {
  /** The folder the dispatcher works from (relative `cwd`s in requests are resolved against it). */
  readonly cwd: string;
  /** The environment the config and root are looked up in. */
  readonly env: NodeJS.ProcessEnv;
  private readonly by: string;
  private readonly confine: boolean;
  private storeCache: TaskStore | undefined;

  constructor(options: DispatcherOptions = {}) {
    this.cwd = resolve(options.cwd ?? process.cwd());
    this.env = options.env ?? process.env;
    this.by = options.by ?? 'api';
    this.confine = options.confine ?? false;
  }

  /** The `.dispatch/` folder that holds the tasks. */
  get root(): string {
    return this.store.root;
  }

  private get store(): TaskStore {
    this.storeCache ??= new TaskStore(findDispatchRoot(this.cwd, this.env), this.env);
    return this.storeCache;
  }

  /** Read on every use, so a long-lived dispatcher (the MCP server) sees config edits. */
  private config(): Config {
    return loadConfig(this.env);
  }

  /** The YAML parser is loaded only when the config changed since it was last cached. */
  private async ready(): Promise<void> {
    await prepareConfig(this.env);
  }

  /** Readers also bring back a supervisor for active tasks that have none (after a crash). */
  private superviseIfActive(statuses: TaskStatus[]): void {
    if (statuses.some((s) => isActive(s.state))) ensureSupervisor(this.store);
  }

  /**
   * Dispatches a task: writes its plan (from `items`, a whole `planText`, or a single "expand this
   * plan" item when only `task` is given), starts a background worker unless scheduling rules make
   * it wait, and returns at once. A relative `cwd` is resolved against the dispatcher's folder.
   */
  async run(request: DispatchRequest): Promise<RunResult> {
    await this.ready();
    if (request.planText !== undefined && request.items && request.items.length > 0)
      throw new DispatchError('usage', 'give checklist items or a whole plan, not both', {
        hint: 'Put the items into the plan as "- [ ] …" lines, or leave the plan out.',
      });
    const store = this.store;
    const result = dispatchTask(store, this.config(), {
      ...request,
      cwd:
        request.cwd === undefined
          ? undefined
          : this.confine
            ? confinedFolder(this.cwd, request.cwd)
            : resolve(this.cwd, request.cwd),
    });
    ensureSupervisor(store);
    const { meta } = result;
    const files = store.files(meta.id);
    return {
      ...statusJson(result.status),
      backend: meta.backend,
      modelVia: result.candidates ? 'capability' : result.choice.via,
      alias: meta.alias ?? null,
      capability: meta.capability ?? null,
      worktree: meta.worktree ?? null,
      priority: meta.priority,
      after: meta.after,
      taskDir: files.taskDir,
      planFile: files.plan,
      items: result.plan.items.map((item) => item.text),
    };
  }

  /** Every task, pending questions first, then unfinished tasks, then finished ones. */
  async status(): Promise<TaskSummary[]>;
  /** One task in detail; after a failure also the cause, the log tail and models to retry with. */
  async status(id: string): Promise<TaskDetail>;
  async status(id?: string): Promise<TaskSummary[] | TaskDetail> {
    await this.ready();
    const store = this.store;
    if (id === undefined) {
      const statuses = overviewOrder(store.statuses());
      this.superviseIfActive(statuses);
      return statuses.map(statusJson);
    }
    const status = store.status(id);
    this.superviseIfActive([status]);
    return taskDetail(store, () => this.config(), status);
  }

  /** Every task, in id order. */
  async list(): Promise<TaskSummary[]> {
    const statuses = this.store.statuses();
    this.superviseIfActive(statuses);
    return statuses.map(statusJson);
  }

  /**
   * Answers a worker's question: the oldest unanswered one, or question `seq`. If the worker had
   * given up waiting, a new worker continues with the plan, its context and the answer.
   */
  async answer(id: string, text: string, options: { seq?: number } = {}): Promise<AnswerResult> {
    await this.ready();
    const store = this.store;
    const result = answerTask(store, { id, seq: options.seq, text, by: this.by });
    if (result.resumed) ensureSupervisor(store);
    return { id, seq: result.seq ?? null, resumed: result.resumed, state: result.status.state };
  }

  /** Appends `> **Note from dispatcher:** …` to the plan; the worker reads it before its next item. */
  async note(id: string, text: string): Promise<NoteResult> {
    const { noteId } = noteTask(this.store, id, text);
    return { id, noteId };
  }

  /** Stops the worker and everything it started (SIGTERM, then SIGKILL); the task's files stay. */
  async cancel(id: string, options: { reason?: string } = {}): Promise<CancelResult> {
    const result = await cancelTask(this.store, id, { by: this.by, reason: options.reason });
    return { id, state: result.status.state, killed: result.killed };
  }

  /**
   * Starts a failed, timed-out, cancelled, blocked or not-started task again where it stopped,
   * optionally with another model (a model or alias name from the config).
   */
  async retry(id: string, options: { model?: string } = {}): Promise<RetryResult> {
    await this.ready();
    const store = this.store;
    const result = await retryTask(store, this.config(), id, { model: options.model });
    ensureSupervisor(store);
    return { id, attempt: result.attempt, model: result.model, state: result.status.state };
  }

  /**
   * What a worktree task did (`dispatch diff`): the commits on its branch and what its worker left
   * uncommitted in the worktree, new files included, as patches or with `stat` a summary per file.
   * Changes nothing.
   */
  async diff(id: string, options: { stat?: boolean } = {}): Promise<DiffResult> {
    const { worktree } = requireTaskWorktree(this.store, id);
    return { id, ...worktreeDiff(worktree, { stat: options.stat, color: false }) };
  }

  /**
   * Merges a finished worktree task's branch into the main repository's current branch
   * (`dispatch merge`), committing what the worker left uncommitted first. On conflicts it rejects
   * with code `conflict`, naming the files, and leaves the repository as git leaves it.
   */
  async merge(id: string): Promise<MergeResult> {
    return mergeTaskWorktree(this.store, id);
  }

  /**
   * Removes a worktree task's worktree and branch (`dispatch discard`); the task folder stays.
   * When they hold work that exists nowhere else it rejects, unless `yes` is set.
   */
  async discard(id: string, options: { yes?: boolean } = {}): Promise<DiscardResult> {
    return discardTaskWorktree(this.store, id, { yes: options.yes });
  }

  /** The last `lines` (default 50, at most 2000) non-empty lines of the worker's output. */
  async logs(id: string, options: { lines?: number } = {}): Promise<LogsResult> {
    const lines = wholeNumber(options.lines ?? DEFAULT_LOG_LINES, 'lines', 1, MAX_LOG_LINES);
    const files = this.store.require(id);
    return { id, logFile: files.log, lines: logTail(files.log, lines) };
  }

  /** The task's plan.md as it is now; `text` is null only if the worker deleted it. */
  async plan(id: string): Promise<TaskText> {
    return this.readText(id, this.store.require(id).plan, 'plan');
  }

  /** The task's output.md (the worker's summary); `text` is null until the worker writes it. */
  async output(id: string): Promise<TaskText> {
    return this.readText(id, this.store.require(id).output, 'output');
  }

  private readText(id: string, file: string, what: string): TaskText {
    const read = readTextFile(file, MAX_PLAN_BYTES, { truncate: true });
    if (read.ok) return { id, file, text: read.text };
    if (read.missing) return { id, file, text: null };
    throw new DispatchError('plan', `cannot read the ${what} of ${id}: ${read.problem}`, {
      hint: 'The file was left as it is; open it to see what the worker wrote.',
    });
  }

  /**
   * Resolves as soon as something needs the user: a pending question on a watched task, or a
   * watched task that finished, failed or stopped (driven by file events, within milliseconds).
   * Call it again after handling the result to wait for the next thing.
   */
  async wait(options: WaitOptions = {}): Promise<WaitResult> {
    if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0))
      throw new DispatchError('usage', `timeoutMs must be 0 or more, not ${options.timeoutMs}`);
    const store = this.store;
    this.superviseIfActive(store.statuses());
    const outcome = await waitForAttention(store, {
      ids: options.ids,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    const tasks = outcome.tasks.map(statusJson);
    if (outcome.kind === 'removed') return { event: 'removed', removed: outcome.removed, tasks };
    return { event: outcome.kind, tasks };
  }

  /**
   * Calls `listener` with every change the live feed sees (one file watcher for all tasks): first a
   * `snapshot` of every task, synchronously, then `added`, `changed`, `question`, `finished` and
   * `removed` events. Returns a function that stops listening and releases the watcher.
   */
  subscribe(listener: (event: FeedEvent) => void, options: SubscribeOptions = {}): () => void {
    const store = this.store;
    const ids = options.ids && options.ids.length > 0 ? options.ids : undefined;
    for (const id of ids ?? []) store.require(id);
    const feed = new TaskFeed(store, ids ? { ids } : {});
    feed.on('event', listener);
    feed.start();
    return () => {
      feed.off('event', listener);
      feed.stop();
    };
  }

  /** The configured models and aliases, whether each model's CLI is installed, and the default. */
  async models(): Promise<ModelsResult> {
    await this.ready();
    return modelList(this.config());
  }
}
