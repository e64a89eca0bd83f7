import { DispatchError } from '../core/errors.js';
import { answerOperation } from '../operations/answer-operation.js';
import { cancelOperation } from '../operations/cancel-operation.js';
import { compareOperation } from '../operations/compare-operation.js';
import { perform } from '../operations/define-operation.js';
import { diffOperation } from '../operations/diff-operation.js';
import { discardOperation } from '../operations/discard-operation.js';
import { cleanOperation } from '../operations/clean-operation.js';
import { continueOperation } from '../operations/continue-operation.js';
import { listOperation } from '../operations/list-operation.js';
import { logsOperation } from '../operations/logs-operation.js';
import { mergeOperation } from '../operations/merge-operation.js';
import { modelsOperation } from '../operations/models-operation.js';
import { noteOperation } from '../operations/note-operation.js';
import { pickOperation } from '../operations/pick-operation.js';
import { OperationContext } from '../operations/operation-context.js';
import { retryOperation } from '../operations/retry-operation.js';
import { runOperation, type RunRequest } from '../operations/run-operation.js';
import { overviewOperation, statusOperation } from '../operations/status-operation.js';
import { openTaskFeed, type FeedEvent } from '../operations/task-feed.js';
import { taskFileOperation } from '../operations/task-file-operation.js';
import { waitOperation } from '../operations/wait-operation.js';
import { taskResultsOperation } from '../operations/task-results-operation.js';
import type {
  AnswerResult,
  CancelResult,
  CleanResult,
  CompareResult,
  ContinueResult,
  DiffResult,
  DiscardResult,
  DispatcherOptions,
  ListTask,
  LogsResult,
  MergeResult,
  ModelsResult,
  NoteResult,
  OverviewTask,
  PickResult,
  RetryResult,
  RunResult,
  SubscribeOptions,
  TaskDetail,
  TaskResultsView,
  TaskText,
  WaitOptions,
  WaitResult,
} from './api-types.js';

/**
 * A request that makes one task: checklist items (or `split: 'single'`) do not fan out, and no
 * `bestOf` runs it several times.
 */
type SingleTaskRequest = RunRequest &
  ({ items: [string, ...string[]] } | { split: 'single' }) & {
    bestOf?: undefined;
  };

/**
 * The library API: the task operations of the `dispatch` CLI, as methods that return plain
 * JSON-friendly objects, each a thin call of the same operation the CLI, the MCP server and the
 * dashboard use. Tasks live in the `.dispatch/` root of `cwd`; workers are real background
 * processes that outlive this object, looked after by the root's supervisor, which the methods
 * that start or continue workers make sure is running. Failures reject with a
 * {@link DispatchError} (a `code` such as `not-found` or `state`, a message, and a `hint`
 * saying what to do).
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher({ cwd: '/path/to/project' });
 * const task = await dispatcher.run({ title: 'Review auth', items: ['Read src/auth', 'Write findings to output.md'] });
 * const event = await dispatcher.wait({ ids: [task.id] });
 * ```
 */
export class Dispatcher {
  private readonly ctx: OperationContext;

  constructor(options: DispatcherOptions = {}) {
    this.ctx = new OperationContext({
      cwd: options.cwd,
      env: options.env,
      by: options.by ?? 'api',
      confine: options.confine,
    });
  }

  /** The folder the dispatcher works from (relative `cwd`s in requests are resolved against it). */
  get cwd(): string {
    return this.ctx.cwd;
  }

  /** The environment the config and root are looked up in. */
  get env(): NodeJS.ProcessEnv {
    return this.ctx.env;
  }

  /** The `.dispatch/` folder that holds the tasks. */
  get root(): string {
    return this.ctx.root;
  }

  /**
   * Dispatches: writes the plan (from `items`, a whole `planText`, or a single "expand this plan"
   * item when only `task` is given), starts a background worker unless scheduling rules make it
   * wait, and returns at once. A plan or request holding several tasks ("# " sections, or
   * numbered entries with indented lines) is fanned out as `dispatch run` does: then the result
   * is one entry per task; so it is with `bestOf: N`, which runs the task N times in worktrees of
   * their own (see `compare` and `pick`). A relative `cwd` is resolved against the dispatcher's
   * folder.
   */
  async run(request: SingleTaskRequest): Promise<RunResult>;
  async run(request: RunRequest): Promise<RunResult | RunResult[]>;
  async run(request: RunRequest): Promise<RunResult | RunResult[]> {
    if (request.dryRun)
      throw new DispatchError('usage', 'the library dispatches; it has no dry run', {
        hint: 'Use `dispatch run --dry-run` to see what would be dispatched.',
      });
    const { tasks } = await perform(runOperation, this.ctx, request);
    return tasks.length === 1 ? (tasks[0] as RunResult) : tasks;
  }

  /** Every task with its place in the queue, pending questions first, then unfinished, then finished. */
  async status(): Promise<OverviewTask[]>;
  /** One task in detail; after a failure also the cause, the log tail and models to retry with. */
  async status(id: string): Promise<TaskDetail>;
  async status(id?: string): Promise<OverviewTask[] | TaskDetail> {
    if (id === undefined) return (await perform(overviewOperation, this.ctx, {})).tasks;
    return perform(statusOperation, this.ctx, { id });
  }

  /**
   * What a task produced (`dispatch show`): its status in detail plus the worker's summary
   * (`output.md`, with its path), every question with its answer, the usage and, for a worktree
   * task, its branch, commits ahead, uncommitted files and whether it is merged.
   */
  async show(id: string): Promise<TaskResultsView> {
    return perform(taskResultsOperation, this.ctx, { id });
  }

  /**
   * Every task, in the order of {@link status}: pending questions first, then unfinished, then
   * finished; `unmerged` says whether a worktree task's branch holds unmerged commits.
   */
  async list(): Promise<ListTask[]> {
    return (await perform(listOperation, this.ctx, {})).tasks;
  }

  /**
   * Answers a worker's question: the oldest unanswered one, or question `seq`. If the worker had
   * given up waiting, a new worker continues with the plan, its context and the answer.
   */
  async answer(id: string, text: string, options: { seq?: number } = {}): Promise<AnswerResult> {
    return perform(answerOperation, this.ctx, { id, text, seq: options.seq });
  }

  /** Appends `> **Note from dispatcher:** …` to the plan; the worker reads it before its next item. */
  async note(id: string, text: string): Promise<NoteResult> {
    return perform(noteOperation, this.ctx, { id, text });
  }

  /** Stops the worker and everything it started (SIGTERM, then SIGKILL); the task's files stay. */
  async cancel(id: string, options: { reason?: string } = {}): Promise<CancelResult> {
    return perform(cancelOperation, this.ctx, { id, reason: options.reason });
  }

  /**
   * Starts a failed, timed-out, cancelled, blocked or not-started task again where it stopped,
   * optionally with another model (a model or alias name from the config).
   */
  async retry(id: string, options: { model?: string } = {}): Promise<RetryResult> {
    return perform(retryOperation, this.ctx, { id, model: options.model });
  }

  /**
   * Gives a done, failed or cancelled task new instructions, optionally with new plan items: the
   * worker CLI resumes its own session when it can (`session` in the result), in the task's
   * worktree if it had one; otherwise a new worker starts with the plan and context.md.
   */
  async continue(
    id: string,
    instructions: string,
    options: { items?: string[] } = {},
  ): Promise<ContinueResult> {
    return perform(continueOperation, this.ctx, { id, instructions, items: options.items });
  }

  /**
   * What a worktree task did (`dispatch diff`): the commits on its branch and what its worker left
   * uncommitted in the worktree, new files included, as patches or with `stat` a summary per file.
   * Changes nothing.
   */
  async diff(id: string, options: { stat?: boolean } = {}): Promise<DiffResult> {
    return perform(diffOperation, this.ctx, { id, stat: options.stat });
  }

  /**
   * Merges a finished worktree task's branch into the main repository's current branch
   * (`dispatch merge`), committing what the worker left uncommitted first. On conflicts it rejects
   * with code `conflict`, naming the files, and leaves the repository as git leaves it. A task
   * that failed its verify command is refused (code `state`) unless `force` is set.
   */
  async merge(id: string, options: { force?: boolean } = {}): Promise<MergeResult> {
    return perform(mergeOperation, this.ctx, { id, force: options.force });
  }

  /**
   * Removes a worktree task's worktree and branch (`dispatch discard`); the task folder stays.
   * When they hold work that exists nowhere else it rejects, unless `yes` is set.
   */
  async discard(id: string, options: { yes?: boolean } = {}): Promise<DiscardResult> {
    return perform(discardOperation, this.ctx, { id, yes: options.yes });
  }

  /**
   * The runs of a best-of group (`run({ bestOf: 2, models: [...] })`) side by side
   * (`dispatch compare`): each one's verify result, diff size, files touched, time, tokens and
   * cost (`null` when its CLI reported none: unknown, not free). `id` is the group's id or the id
   * of one of its runs.
   */
  async compare(id: string): Promise<CompareResult> {
    return perform(compareOperation, this.ctx, { id });
  }

  /**
   * Keeps one run of a best-of group (`dispatch pick`): merges it like `merge` (a verify-failed
   * run only with `force`) and discards the others like `discard`. When they hold work that exists
   * nowhere else it rejects before merging anything, unless `yes` is set. `child` is the run's
   * number (2) or its id.
   */
  async pick(
    id: string,
    child: string | number,
    options: { force?: boolean; yes?: boolean } = {},
  ): Promise<PickResult> {
    return perform(pickOperation, this.ctx, {
      id,
      child: String(child),
      force: options.force,
      yes: options.yes,
    });
  }

  /**
   * Removes finished tasks older than the cut-off (default 7 days) with their worktrees
   * (`dispatch clean`); never one that runs, waits or is queued. A worktree holding work found
   * nowhere else is kept (and listed in `kept`) unless `yes` is set.
   */
  async clean(
    options: {
      olderThanMinutes?: number;
      allFinished?: boolean;
      dryRun?: boolean;
      yes?: boolean;
    } = {},
  ): Promise<CleanResult> {
    return perform(cleanOperation, this.ctx, options);
  }

  /** The last `lines` (default 50, at most 2000) non-empty lines of the worker's output. */
  async logs(id: string, options: { lines?: number } = {}): Promise<LogsResult> {
    return perform(logsOperation, this.ctx, { id, lines: options.lines });
  }

  /** The task's plan.md as it is now; `text` is null only if the worker deleted it. */
  async plan(id: string): Promise<TaskText> {
    return perform(taskFileOperation, this.ctx, { id, file: 'plan' });
  }

  /** The task's output.md (the worker's summary); `text` is null until the worker writes it. */
  async output(id: string): Promise<TaskText> {
    return perform(taskFileOperation, this.ctx, { id, file: 'output' });
  }

  /**
   * Resolves as soon as something needs the user: a pending question on a watched task, or a
   * watched task that finished, failed or stopped (driven by file events, within milliseconds).
   * Call it again after handling the result to wait for the next thing.
   */
  async wait(options: WaitOptions = {}): Promise<WaitResult> {
    if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0))
      throw new DispatchError('usage', `timeoutMs must be 0 or more, not ${options.timeoutMs}`);
    return perform(
      waitOperation,
      this.ctx,
      {
        ids: options.ids,
        timeoutSeconds: options.timeoutMs !== undefined ? options.timeoutMs / 1000 : undefined,
      },
      { signal: options.signal },
    );
  }

  /**
   * Calls `listener` with every change the live feed sees (one file watcher for all tasks): first a
   * `snapshot` of every task, synchronously, then `added`, `changed`, `question`, `finished` and
   * `removed` events. Returns a function that stops listening and releases the watcher.
   */
  subscribe(listener: (event: FeedEvent) => void, options: SubscribeOptions = {}): () => void {
    const feed = openTaskFeed(this.ctx, options.ids);
    feed.on('event', listener);
    feed.start();
    return () => {
      feed.off('event', listener);
      feed.stop();
    };
  }

  /** The configured models and aliases, whether each model's CLI is installed, and the default. */
  async models(): Promise<ModelsResult> {
    return perform(modelsOperation, this.ctx, {});
  }
}
