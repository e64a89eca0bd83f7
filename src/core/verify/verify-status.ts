import { currentAttemptEvents } from '../task/current-attempt.js';
import type { TaskEvent } from '../task/task-events.js';
import type { VerifySpec } from '../task/task-meta.js';

/**
 * How a finished task ended, once its worker said it was done (docs/verify.md): its verify
 * command passed, no verify command was given, or the command failed with no rounds left.
 */
export const TASK_OUTCOMES = ['done-verified', 'done-unverified', 'verify-failed'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

type Verified = Extract<TaskEvent, { type: 'verified' }>;
type VerifyStarted = Extract<TaskEvent, { type: 'verify-started' }>;

/** One verify run's result, as the history keeps it. */
export interface VerifyRound {
  attempt: number;
  passed: boolean;
  code: number | null;
  timedOut: boolean;
  durationMs: number;
  lastLine: string;
  /** Why it could not run at all, if so. */
  error: string | undefined;
  time: string;
}

/**
 * Where the verify step of the current attempt stands:
 * - `waiting`: the worker said it is done but its process has not ended yet;
 * - `pending`: due to run (the supervisor starts it);
 * - `running`: started and no result recorded (`run` says which start);
 * - `passed` / `failed`: the result of the current attempt.
 */
export type VerifyStep = 'waiting' | 'pending' | 'running' | 'passed' | 'failed';

export interface VerifyView {
  command: string;
  step: VerifyStep;
  /** The round of the current attempt: 1, then one more per failed verify sent back. */
  round: number;
  /** At most this many rounds: 1 + `--iterate`. */
  rounds: number;
  /** A failed verify with rounds left: a new round starts (the worker gets the output). */
  iterating: boolean;
  /** The current attempt's run in progress (pid and start time of its process group). */
  running: VerifyStarted | undefined;
  /** The current attempt's result, if recorded. */
  result: VerifyRound | undefined;
  /** Every verify result of the task, oldest first: one per round. */
  history: VerifyRound[];
}

function roundOf(event: Verified): VerifyRound {
  return {
    attempt: event.attempt,
    passed: event.passed,
    code: event.code,
    timedOut: event.timedOut,
    durationMs: event.durationMs,
    lastLine: event.lastLine,
    error: event.error,
    time: event.time,
  };
}

/**
 * Rounds used so far: attempts started because a verify failed, since the user last started the
 * task again by hand (`dispatch retry` or `continue` give it a fresh set of rounds). A worker
 * node runs its rounds within the one attempt seen here: a verify run started after a failure
 * that sent the worker back is a new round too.
 */
export function verifyRoundsUsed(events: readonly TaskEvent[]): number {
  let used = 0;
  let sentBack = false;
  for (const event of events) {
    if (event.type === 'verified') sentBack = event.iterate && !event.passed;
    else if (event.type === 'verify-started' && sentBack) {
      used++;
      sentBack = false;
    } else if (event.type === 'resumed') {
      sentBack = false;
      if (event.reason === 'verify') used++;
      else if (event.reason === 'retry' || event.reason === 'continue') used = 0;
    }
  }
  return used;
}

/** The verify step of a task whose worker says it is done; pure, from the history. */
export function verifyView(
  spec: VerifySpec,
  events: readonly TaskEvent[],
  workerAlive: boolean,
): VerifyView {
  const current = currentAttemptEvents(events);
  const startedAt = current.findLastIndex((e) => e.type === 'verify-started');
  const started = current[startedAt] as VerifyStarted | undefined;
  // The result of the latest run: on a node, a new round's run starts in the same attempt.
  const result = current
    .slice(Math.max(startedAt, 0))
    .findLast((e): e is Verified => e.type === 'verified');
  const interrupted =
    started !== undefined &&
    current.some((e) => e.type === 'verify-interrupted' && e.run === started.run);
  const running =
    result === undefined && started !== undefined && !interrupted ? started : undefined;
  const step: VerifyStep = result
    ? result.passed
      ? 'passed'
      : 'failed'
    : running
      ? 'running'
      : workerAlive
        ? 'waiting'
        : 'pending';
  return {
    command: spec.command,
    step,
    round: verifyRoundsUsed(events) + 1,
    rounds: spec.iterate + 1,
    iterating: result !== undefined && !result.passed && result.iterate,
    running,
    result: result && roundOf(result),
    history: events.filter((e): e is Verified => e.type === 'verified').map(roundOf),
  };
}

/** What a failed verify result says, in words: "exit code 1: 2 tests failed". */
export function verifyFailureText(round: VerifyRound): string {
  const how = round.error
    ? round.error
    : round.timedOut
      ? 'it ran out of time'
      : round.code === null
        ? 'it was stopped'
        : `exit code ${round.code}`;
  return round.lastLine ? `${how}: ${round.lastLine}` : how;
}

/**
 * The verify command the worker node of the current attempt runs (docs/nodes.md), as a spec for
 * the views; it is never run here, where only the task's own `verify` is.
 */
export function nodeVerifySpec(events: readonly TaskEvent[]): VerifySpec | undefined {
  const onNode = currentAttemptEvents(events).findLast(
    (e): e is Extract<TaskEvent, { type: 'verify-on-node' }> => e.type === 'verify-on-node',
  );
  return onNode
    ? {
        command: onNode.command,
        timeoutMinutes: onNode.timeoutMinutes,
        iterate: onNode.iterate,
        source: 'alias',
      }
    : undefined;
}
