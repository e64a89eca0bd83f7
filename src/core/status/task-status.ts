import type { FailureCause } from '../backends/backend.js';
import type { IpcState } from '../ipc/ipc-protocol.js';
import type { Plan, Progress } from '../plan/plan-types.js';
import type { ResumeReason, TaskEvent } from '../task/task-events.js';
import type { BestOfInfo, TaskMeta, WorktreeInfo } from '../task/task-meta.js';
import type { TaskOutcome, VerifyView } from '../verify/verify-status.js';

export const TASK_STATES = [
  'queued',
  'running',
  'waiting',
  'blocked',
  'verifying',
  'done',
  'verify-failed',
  'failed',
  'timed-out',
  'cancelled',
  'not-started',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** Whether the worker process of the latest attempt still runs, as observed by the runtime. */
export type Liveness = 'alive' | 'dead' | 'unknown';

/** Everything read from a task folder; status is a pure function of it. */
export interface TaskSnapshot {
  id: string;
  meta: TaskMeta | undefined;
  events: TaskEvent[];
  plan: Plan | undefined;
  /** Why plan.md could not be read or parsed (missing, not text, too large). */
  planProblem: string | undefined;
  ipc: IpcState;
  /** Text of unanswered questions by sequence number (possibly truncated). */
  questions: Record<number, string>;
  hasContext: boolean;
  liveness: Liveness;
  /** Latest modification time of plan, IPC folder and log, in ms since the epoch. */
  lastActivityMs: number;
  /** When the snapshot was read (ms since the epoch); lets untracked tasks age into a timeout. */
  readAtMs?: number;
  /** Why the task is not the user's own (no valid launch signature, a foreign folder). */
  untrusted?: string;
  /**
   * The last lines of worker.log while the worker runs: a CLI that retries a refused request
   * says so only there.
   */
  logTail?: readonly string[];
}

export interface PendingQuestion {
  /** IPC sequence number, or undefined for a question left in the plan by a worker that gave up. */
  seq: number | undefined;
  text: string;
  /** The worker is still alive and waiting for the answer (vs. it gave up and exited). */
  live: boolean;
}

export interface ExitInfo {
  code: number;
  /** The signal that stopped the worker, when its wrapper saw one (cancel, timeout, kill). */
  signal: string | undefined;
}

export interface TaskStatus {
  id: string;
  title: string;
  state: TaskState;
  model: string | undefined;
  progress: Progress;
  question: PendingQuestion | undefined;
  attempt: number;
  pid: number | undefined;
  exit: ExitInfo | undefined;
  /** Why the task is in this state, in words (failure cause, wait reason, cancel reason). */
  reason: string | undefined;
  createdAt: string | undefined;
  startedAt: string | undefined;
  endedAt: string | undefined;
  /** Task folder written by a dispatcher without task.json/events (the original prompt-only one). */
  legacy: boolean;
  /** The git worktree the task runs in, if it has one (from task.json). */
  worktree?: WorktreeInfo;
  /** The best-of-N group the task is one run of (from task.json). */
  bestOf?: BestOfInfo;
  /**
   * How the current attempt continues the task (undefined for a first attempt): the worker CLI
   * resumed its own session (`session` set: the model keeps its context), or a new worker started
   * with the plan and context.md.
   */
  continuation?: { reason: ResumeReason; session: string | undefined };
  /** While the worker runs: the failure its CLI is retrying, as its log names it. */
  retrying?: FailureCause;
  /** The worker node that runs (or ran) the current attempt, for a task on a queue. */
  node?: string;
  /**
   * For a task whose worker finished: done-verified, done-unverified (no verify command) or
   * verify-failed (docs/verify.md).
   */
  outcome?: TaskOutcome;
  /** The verify step, for a task with a verify command whose worker said it is done. */
  verify?: VerifyView;
  /**
   * Set when the task was not created by this user (see docs/protocol.md, Trust): it is never
   * started, resumed or signalled, and an unfinished one shows as not-started.
   */
  untrusted?: string;
}
