import type { TaskState } from './task-status.js';

/**
 * The groups of task states every layer asks about, named once so that the CLI, the library,
 * the MCP server, the dashboard, the scheduler and the supervisor cannot drift apart.
 */

/** Nothing more happens without the user: the task has ended one way or another. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  'done',
  'verify-failed',
  'failed',
  'timed-out',
  'cancelled',
  'not-started',
]);

/** Work goes on or will: a worker runs, or the task waits for its turn. Needs a supervisor. */
export const ACTIVE_STATES: ReadonlySet<TaskState> = new Set([
  'queued',
  'running',
  'waiting',
  'verifying',
]);

/** A worker process runs and takes a parallel slot. */
export const LIVE_STATES: ReadonlySet<TaskState> = new Set(['running', 'waiting']);

/** The latest worker may still run: live, or timed out and left running. */
export const WORKER_STATES: ReadonlySet<TaskState> = new Set(['running', 'waiting', 'timed-out']);

/**
 * The worker failed (it crashed, stopped answering, or could not start): its log and the config
 * say why and what to retry with. Every report of such a task carries that diagnosis.
 */
export const FAILED_STATES: ReadonlySet<TaskState> = new Set([
  'failed',
  'timed-out',
  'not-started',
]);

/**
 * Ended without success, cancelled included: a task that depends on it does not start, and
 * `dispatch wait` exits with its failure status.
 */
export const UNSUCCESSFUL_STATES: ReadonlySet<TaskState> = new Set([
  ...FAILED_STATES,
  'cancelled',
  'verify-failed',
]);

/** A question waits for the user: the worker asks now, or asked and gave up waiting. */
export const QUESTION_STATES: ReadonlySet<TaskState> = new Set(['waiting', 'blocked']);

/** `dispatch retry` starts these again where they stopped. */
export const RETRYABLE_STATES: ReadonlySet<TaskState> = new Set([
  ...UNSUCCESSFUL_STATES,
  'blocked',
]);

export const isTerminal = (state: TaskState): boolean => TERMINAL_STATES.has(state);
export const isActive = (state: TaskState): boolean => ACTIVE_STATES.has(state);
export const isLive = (state: TaskState): boolean => LIVE_STATES.has(state);
export const mayHaveWorker = (state: TaskState): boolean => WORKER_STATES.has(state);
export const isFailed = (state: TaskState): boolean => FAILED_STATES.has(state);
export const isUnsuccessful = (state: TaskState): boolean => UNSUCCESSFUL_STATES.has(state);
export const hasQuestion = (state: TaskState): boolean => QUESTION_STATES.has(state);
export const isRetryable = (state: TaskState): boolean => RETRYABLE_STATES.has(state);

/** States in which the task needs the user (the original monitor's exit conditions, and worse). */
export const needsAttention = (state: TaskState): boolean =>
  hasQuestion(state) || isTerminal(state);
