import { planProgress, isPlanComplete } from '../plan/progress.js';
import { readBestOf } from '../bestof/best-of.js';
import type { Progress } from '../plan/plan-types.js';
import { currentAttemptEvents, latestWorker } from '../task/current-attempt.js';
import { relayRestartDue } from '../task/relay-restarts.js';
import type { TaskEvent } from '../task/task-events.js';
import { budgetExcessText } from '../budget/budget.js';
import { signalFromExitCode } from './signals.js';
import { backendOfTask } from '../backends/backend-registry.js';
import { classifyRetrying, retryingText } from '../backends/retrying.js';
import { DEFAULT_TIMEOUT_MINUTES } from '../config/config-types.js';
import { TERMINAL_STATES } from './state-groups.js';
import { transientRetryText } from '../task/transient-retry.js';
import {
  nodeVerifySpec,
  verifyFailureText,
  verifyView,
  type VerifyView,
} from '../verify/verify-status.js';
import type {
  ExitInfo,
  PendingQuestion,
  TaskSnapshot,
  TaskState,
  TaskStatus,
} from './task-status.js';

const EMPTY_PROGRESS: Progress = { done: 0, total: 0, blocked: [], errors: [], current: undefined };

type Of<T extends TaskEvent['type']> = Extract<TaskEvent, { type: T }>;

function lastIndex(events: readonly TaskEvent[], test: (event: TaskEvent) => boolean): number {
  for (let i = events.length - 1; i >= 0; i--) if (test(events[i] as TaskEvent)) return i;
  return -1;
}

/**
 * Derives a task's state from its files. The current attempt starts at the last `queued` or
 * `resumed` event; terminal events from earlier attempts no longer count.
 */
export function deriveStatus(snapshot: TaskSnapshot): TaskStatus {
  const status = deriveFromFiles(snapshot);
  return snapshot.untrusted === undefined ? status : distrusted(status, snapshot.untrusted);
}

/**
 * A task the user did not create is never started, resumed or signalled, so whatever its files
 * claim, an unfinished one has not started and will not: it is shown as such, with no pid (a
 * forged one must not be stopped or watched) and no question to answer.
 */
function distrusted(status: TaskStatus, why: string): TaskStatus {
  const base = { ...status, pid: undefined, untrusted: why };
  if (TERMINAL_STATES.has(status.state)) return base;
  return {
    ...base,
    state: 'not-started',
    question: undefined,
    reason: `not created by you: never started (${why})`,
  };
}

function deriveFromFiles(snapshot: TaskSnapshot): TaskStatus {
  const { events, ipc } = snapshot;
  const progress = snapshot.plan ? planProgress(snapshot.plan) : EMPTY_PROGRESS;
  const legacy = snapshot.meta === undefined && events.length === 0;
  const current = currentAttemptEvents(events);
  const find = <T extends TaskEvent['type']>(type: T): Of<T> | undefined => {
    const index = lastIndex(current, (e) => e.type === type);
    return index < 0 ? undefined : (current[index] as Of<T>);
  };

  const worker = latestWorker(current);
  const spawned = worker?.spawned;
  const exited = worker?.exited;
  // A retry or an answer that is not started yet already says which attempt and model come next.
  const resumed = find('resumed');
  const exit: ExitInfo | undefined = exited
    ? { code: exited.code, signal: exited.signal }
    : undefined;
  const cancelled = find('cancelled');
  const timedOut = find('timed-out');
  const skipped = find('skipped');
  const spawnFailed = find('spawn-failed');
  // A node task's relay that failed in itself said why as it ended.
  const lastRelayFailure = find('relay-failed');
  const relayFailed =
    spawned !== undefined && lastRelayFailure?.attempt === spawned.attempt
      ? lastRelayFailure
      : undefined;
  // A node task whose relay is gone still runs on its node: the supervisor starts the relay again.
  const relayAway =
    !legacy &&
    spawned !== undefined &&
    exited === undefined &&
    snapshot.liveness === 'dead' &&
    relayRestartDue(snapshot.meta, current, spawned.attempt);
  const workerAlive = legacy
    ? snapshot.liveness !== 'dead'
    : spawned !== undefined && exited === undefined && (snapshot.liveness !== 'dead' || relayAway);

  const question = pendingQuestion(snapshot, workerAlive);
  const created = events.find((e) => e.type === 'created');
  const firstSpawn = events.find((e) => e.type === 'spawned');
  const onNode = find('on-node');
  const status: TaskStatus = {
    id: snapshot.id,
    title: snapshot.meta?.title ?? snapshot.plan?.title ?? snapshot.id,
    state: 'running',
    model: spawned?.model ?? resumed?.model ?? snapshot.meta?.model,
    progress,
    question: undefined,
    attempt: spawned?.attempt ?? resumed?.attempt ?? 0,
    pid: spawned?.pid,
    exit,
    reason: undefined,
    createdAt: created?.time ?? snapshot.meta?.createdAt,
    startedAt: firstSpawn?.time,
    endedAt: undefined,
    legacy,
    ...(resumed ? { continuation: { reason: resumed.reason, session: resumed.session } } : {}),
    worktree: snapshot.meta?.worktree,
    ...bestOfField(snapshot.meta?.bestOf),
    ...(onNode ? { node: onNode.node } : {}),
  };

  const ended = (
    state: TaskState,
    reason: string | undefined,
    time: string | undefined,
  ): TaskStatus => ({
    ...status,
    state,
    reason,
    endedAt: time ?? exited?.time,
  });

  if (cancelled)
    return ended('cancelled', `cancelled by ${cancelled.by}: ${cancelled.reason}`, cancelled.time);
  const overBudget = find('budget-exceeded');
  if (overBudget) return ended('failed', budgetExcessText(overBudget), overBudget.time);
  // The worker says it is done: the verify command, if the task has one, decides how it ended.
  const finished = (reason: string | undefined): TaskStatus => {
    const spec = snapshot.meta?.verify ?? nodeVerifySpec(events);
    if (!spec) return { ...ended('done', reason, exited?.time), outcome: 'done-unverified' };
    const verify = verifyView(spec, events, workerAlive);
    const result = verify.result;
    // A node lost before its verify result came: nothing here runs the node's command.
    const lost = find('node-lost');
    if (lost && (!result || verify.iterating))
      return ended('failed', `node lost: ${lost.node} (${lost.reason})`, lost.time);
    if (verify.step === 'passed')
      return {
        ...ended('done', reason, result?.time),
        outcome: 'done-verified',
        verify,
      };
    if (result && !verify.iterating)
      return {
        ...ended('verify-failed', `verify failed: ${verifyFailureText(result)}`, result.time),
        outcome: 'verify-failed',
        verify,
      };
    return { ...status, state: 'verifying', reason: verifyingReason(verify), verify };
  };
  if (ipc.complete) return finished(undefined);
  const nodeLost = find('node-lost');
  // The user's answer is what the task waited for: it starts the task again on a node.
  if (nodeLost && question)
    return {
      ...ended(
        'blocked',
        `node lost: ${nodeLost.node} (${nodeLost.reason}); answering starts the task again on a node, with its plan, its context and your answer`,
        nodeLost.time,
      ),
      question,
    };
  if (nodeLost)
    return ended('failed', `node lost: ${nodeLost.node} (${nodeLost.reason})`, nodeLost.time);
  if (skipped) return ended('not-started', skipped.reason, skipped.time);
  if (!legacy && !spawned) {
    if (spawnFailed)
      return ended('failed', `worker failed to start: ${spawnFailed.error}`, spawnFailed.time);
    // A transient failure's retry waits out its backoff: say what failed and when it starts.
    if (resumed?.notBefore !== undefined)
      return {
        ...status,
        state: 'queued',
        reason: transientRetryText(
          resumed.cause ?? 'transient failure',
          resumed.notBefore,
          snapshot.readAtMs ?? Date.parse(resumed.time),
        ),
      };
    return { ...status, state: 'queued' };
  }
  if (workerAlive) {
    // A folder of another dispatcher has no pid to check: after the default timeout of silence
    // its worker is presumed gone rather than shown as running forever.
    const silentMs =
      snapshot.readAtMs !== undefined ? snapshot.readAtMs - snapshot.lastActivityMs : 0;
    if (legacy && !question && silentMs > DEFAULT_TIMEOUT_MINUTES * 60_000) {
      return {
        ...status,
        state: 'timed-out',
        reason: `not started by agent-dispatch and silent for over ${DEFAULT_TIMEOUT_MINUTES} minutes`,
      };
    }
    if (timedOut && Date.parse(timedOut.time) >= snapshot.lastActivityMs) {
      return {
        ...status,
        state: 'timed-out',
        reason: `no activity for ${timedOut.idleMinutes} minutes`,
      };
    }
    if (question) return { ...status, state: 'waiting', question };
    if (relayAway)
      return {
        ...status,
        reason: relayFailed
          ? `its relay to the worker node failed (${relayFailed.error}); the supervisor starts it again`
          : 'its relay to the worker node is not running; the supervisor starts it again',
      };
    const nodeWait = find('node-wait');
    if (!onNode && nodeWait?.reason && nodeWait.attempt === spawned?.attempt)
      return { ...status, reason: `waiting for a node: ${nodeWait.reason}` };
    const retrying = snapshot.logTail
      ? classifyRetrying(backendOfTask(snapshot.meta?.backendType), snapshot.logTail)
      : undefined;
    return retrying ? { ...status, retrying, reason: retryingText(retrying) } : status;
  }
  if (snapshot.plan && isPlanComplete(snapshot.plan)) {
    return finished('all items checked; the worker did not write ipc/.done');
  }
  if (question)
    return {
      ...ended(
        'blocked',
        'the worker is no longer waiting; answering starts a new worker',
        undefined,
      ),
      question,
    };
  if (timedOut)
    return ended('timed-out', `no activity for ${timedOut.idleMinutes} minutes`, timedOut.time);
  return ended(
    'failed',
    failureReason(snapshot, progress, exit, {
      node: exited?.reason,
      relay: relayFailed?.error,
    }),
    undefined,
  );
}

function verifyingReason(verify: VerifyView): string {
  if (verify.iterating && verify.result)
    return `verify failed (${verifyFailureText(verify.result)}); round ${verify.round + 1} of ${verify.rounds} starts`;
  if (verify.step === 'waiting') return 'the worker is done; verify runs when it exits';
  if (verify.step === 'running') return `verify running: ${verify.command}`;
  return `verify starting: ${verify.command}`;
}

function pendingQuestion(
  snapshot: TaskSnapshot,
  workerAlive: boolean,
): PendingQuestion | undefined {
  const seq = snapshot.ipc.unanswered[0];
  if (seq !== undefined) return { seq, text: snapshot.questions[seq] ?? '', live: workerAlive };
  if (workerAlive || !snapshot.plan) return undefined;
  const blocked = planProgress(snapshot.plan).blocked[0];
  return blocked ? { seq: undefined, text: blocked.question, live: false } : undefined;
}

/**
 * Why a task failed. A node task's own account comes first: the node's reason for its exit (it
 * derived it from the same files, there), or the error its relay here failed with.
 */
function failureReason(
  snapshot: TaskSnapshot,
  progress: Progress,
  exit: ExitInfo | undefined,
  account: { node: string | undefined; relay: string | undefined },
): string {
  if (account.node) return `on the node: ${account.node}`;
  const parts: string[] = [];
  const firstError = progress.errors[0];
  if (firstError) parts.push(`error on item ${firstError.index + 1}: ${firstError.description}`);
  if (exit?.signal) parts.push(`worker killed by ${exit.signal}`);
  else if (exit) {
    const like = signalFromExitCode(exit.code);
    parts.push(
      `worker exited with code ${exit.code}${like ? ` (what a process killed by ${like} returns)` : ''}`,
    );
  } else if (account.relay) parts.push(`its relay to the worker node failed: ${account.relay}`);
  else parts.push('worker process is gone and left no exit status');
  if (snapshot.planProblem) parts.push(snapshot.planProblem);
  else if (progress.total > progress.done)
    parts.push(`${progress.total - progress.done} of ${progress.total} items unfinished`);
  return parts.join('; ');
}

/** A task's best-of group, when task.json names a well-formed one. */
function bestOfField(value: unknown): Pick<TaskStatus, 'bestOf'> {
  const bestOf = readBestOf(value);
  return bestOf ? { bestOf } : {};
}
