import { join } from 'node:path';
import { buildResumePrompt } from '../../core/prompt/worker-prompt.js';
import { DispatchError } from '../../core/errors.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import type { ResumeReason, TaskEvent } from '../../core/task/task-events.js';
import { latestSession, sessionToResume } from '../../core/task/worker-session.js';
import { backendOfTask } from '../../core/backends/backend-registry.js';
import { buildSessionMessage } from '../../core/prompt/session-message.js';
import type { VerifyFeedback } from '../../core/verify/verify-feedback.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { LockBusyError, withLock } from '../lock/file-lock.js';
import { launchWorker } from '../spawn/launch-worker.js';
import { touchTaskFolder } from '../watch/touch-task-folder.js';
import { nextAttempt } from '../../core/task/task-events.js';
import { MAX_PLAN_BYTES, readFileNoFollow, readTextFile } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import type { TaskFiles } from '../paths.js';
import { loadConfig } from '../config-file.js';
import { DEFAULT_FALLBACK_MINUTES, type Config } from '../../core/config/config-types.js';
import { hasSlotLimit, startRunnableTasks } from '../scheduler/start-runnable.js';
import { DISPATCH_COMMAND } from '../package-paths.js';
import { undeliveredAnswer } from './undelivered-answer.js';
import { deriveStatus } from '../../core/status/derive-status.js';

export interface ResumeOptions {
  reason: ResumeReason;
  /**
   * The attempt the caller means to start, from the history it read before deciding (see
   * `nextAttempt`). When another process started that attempt meanwhile (`dispatch answer` and the
   * supervisor both continuing after the same answer, two retries at once), nothing more starts.
   */
  attempt: number;
  answer?: { question: string; text: string };
  previousFailure?: string;
  /** New instructions for a finished task (`dispatch continue`). */
  instructions?: string;
  /** Plan items `dispatch continue` appended, named in a resumed session's message. */
  newItems?: readonly string[];
  /** A failed verify command's output, for another round (`--iterate`). */
  verifyFeedback?: VerifyFeedback;
  /** Run the new attempt with another model (retry --model). */
  meta?: TaskMeta;
  /**
   * For 'session-lost': the attempt whose session the CLI could not open. Its prompt for a new
   * worker, written beside the session's message, becomes this attempt's prompt.
   */
  lostAttempt?: number;
  /**
   * For 'transient-retry': the attempt to run again, with the same prompt and session, not
   * before `notBefore`; `cause` names the failure in words.
   */
  repeat?: { attempt: number; notBefore: string; cause: string };
}

/** The config, or undefined when it cannot be read right now (a resume must not fail on it). */
function configIfReadable(env: NodeJS.ProcessEnv): Config | undefined {
  try {
    return loadConfig(env);
  } catch {
    return undefined;
  }
}

export interface ResumeOutcome {
  /** The attempt that continues the task: the caller's, or the one another process started. */
  attempt: number;
  /** False when another process had already started the attempt. */
  started: boolean;
}

/**
 * Starts a new attempt of a task whose worker has stopped: its prompt carries the plan as it
 * stands, the earlier worker's context.md and, after a fallback, the user's answer. Deciding and
 * recording the attempt happen under the task's resume lock, so one stop leads to one new worker.
 */
export function resumeTask(store: TaskStore, id: string, options: ResumeOptions): ResumeOutcome {
  const files = store.requireOwn(id, 'resume');
  return withLock(join(files.taskDir, '.resume.lock'), 60_000, () => {
    // Decided again from the files as they are now, under the lock: the caller's view is older.
    const snapshot = store.snapshot(id);
    const latest = nextAttempt(snapshot.events) - 1;
    if (latest >= options.attempt) return { attempt: latest, started: false };
    // One live worker at a time, however stale the caller's view was.
    const state = deriveStatus(snapshot).state;
    if (state === 'running' || state === 'waiting') return { attempt: latest, started: false };
    // An answer recorded since the last worker started, and never read, goes to the next one,
    // whoever starts it (a retry racing `dispatch answer`).
    const pending = options.answer
      ? undefined
      : undeliveredAnswer(files, snapshot.events, snapshot.ipc);
    const answer =
      options.answer ?? (pending && { question: pending.question, text: pending.text });
    return {
      attempt: startAttempt(store, files, id, snapshot.events, { ...options, answer }),
      started: true,
    };
  });
}

function startAttempt(
  store: TaskStore,
  files: TaskFiles,
  id: string,
  events: readonly TaskEvent[],
  options: ResumeOptions,
): number {
  const meta = options.meta ?? store.meta(id);
  if (!meta) {
    throw new DispatchError(
      'state',
      `task ${id} has no task.json (it was made by another dispatcher)`,
      {
        hint: `Dispatch it again: dispatch run --plan-file ${files.plan}`,
      },
    );
  }
  const attempt = options.attempt;
  const config = configIfReadable(store.env);
  if (options.repeat) {
    repeatAttempt(store, files, id, events, meta, attempt, options.repeat);
    return attempt;
  }
  const fresh =
    options.lostAttempt !== undefined
      ? readPromptOf(files, id, options.lostAttempt)
      : freshWorkerPrompt(files, id, meta, config, options);
  // A CLI that can resume the session its last worker named continues that session, so the model
  // keeps everything it read and reasoned; the prompt for a new worker is kept beside it, for
  // when the CLI can no longer open the session (see resume-lost-session.ts).
  const session =
    options.reason === 'session-lost' || !backendOfTask(meta.backendType).resume
      ? undefined
      : latestSession(events, meta.backendType)?.session;
  if (session !== undefined) {
    writeFileAtomic(files.freshPrompt(attempt), fresh, { mode: 0o600 });
    const message = buildSessionMessage({
      paths: files,
      answer: options.answer,
      previousFailure: options.previousFailure,
      instructions: options.instructions,
      newItems: options.newItems,
      verifyFeedback: options.verifyFeedback,
    });
    writeFileAtomic(files.prompt(attempt), message, { mode: 0o600 });
  } else {
    writeFileAtomic(files.prompt(attempt), fresh, { mode: 0o600 });
  }
  // Under a parallel limit the new attempt takes its turn like any queued task; it starts now if
  // a slot is free, else when one frees up (the supervisor starts it).
  const queued = config !== undefined && hasSlotLimit(meta, config);
  store.appendEvent(id, {
    type: 'resumed',
    attempt,
    reason: options.reason,
    model: meta.model,
    ...(queued ? { queued } : {}),
    ...(session !== undefined ? { session } : {}),
  });
  // A supervisor may have stopped watching the task when it finished.
  touchTaskFolder(files.taskDir);
  if (!queued) launchWorker(store, meta, attempt);
  else {
    let failure;
    try {
      failure = startRunnableTasks(store, config).failed.find((f) => f.id === id);
    } catch (error) {
      // Busy scheduler: the attempt is queued all the same, and the supervisor starts it.
      if (!(error instanceof LockBusyError)) throw error;
    }
    if (failure) throw new DispatchError('state', failure.error);
  }
  return attempt;
}

/**
 * Records an attempt that runs a failed one again as it was: the same prompt (and the prompt for
 * a new worker beside it) and the same session. It is queued with its backoff time; the
 * scheduler starts it once that has passed (the supervisor's queue pass, which a restarted
 * supervisor runs too), so nothing waits in memory.
 */
function repeatAttempt(
  store: TaskStore,
  files: TaskFiles,
  id: string,
  events: readonly TaskEvent[],
  meta: TaskMeta,
  attempt: number,
  repeat: NonNullable<ResumeOptions['repeat']>,
): void {
  writeFileAtomic(files.prompt(attempt), readPromptFile(id, files.prompt(repeat.attempt)), {
    mode: 0o600,
  });
  const session = sessionToResume(events, repeat.attempt);
  if (session !== undefined)
    writeFileAtomic(files.freshPrompt(attempt), readPromptOf(files, id, repeat.attempt), {
      mode: 0o600,
    });
  store.appendEvent(id, {
    type: 'resumed',
    attempt,
    reason: 'transient-retry',
    model: meta.model,
    queued: true,
    ...(session !== undefined ? { session } : {}),
    notBefore: repeat.notBefore,
    cause: repeat.cause,
  });
  touchTaskFolder(files.taskDir);
}

/** The prompt of a new worker: the plan as it stands, context.md, and what is new. */
function freshWorkerPrompt(
  files: TaskFiles,
  id: string,
  meta: TaskMeta,
  config: Config | undefined,
  options: ResumeOptions,
): string {
  const plan = readTextFile(files.plan, MAX_PLAN_BYTES);
  if (!plan.ok)
    throw new DispatchError('plan', `cannot resume ${id}: ${plan.problem}`, {
      hint: 'Fix or replace plan.md, then try again.',
    });
  let contextText: string | undefined;
  try {
    // Never through a link: context.md goes into the next worker's prompt.
    contextText = readFileNoFollow(files.context);
  } catch {
    contextText = undefined;
  }
  return buildResumePrompt({
    id,
    title: meta.title,
    paths: files,
    request: meta.request,
    aliasPrompt: meta.aliasPrompt,
    fallbackMinutes: meta.fallbackMinutes ?? config?.fallbackMinutes ?? DEFAULT_FALLBACK_MINUTES,
    dispatchCommand: DISPATCH_COMMAND,
    askSliceSeconds: meta.askSliceSeconds,
    backendType: meta.backendType,
    planText: plan.text,
    contextText,
    answer: options.answer,
    previousFailure: options.previousFailure,
    instructions: options.instructions,
    verifyFeedback: options.verifyFeedback,
  });
}

/** The new worker's prompt written when an attempt resumed a session (never through a link). */
function readPromptOf(files: TaskFiles, id: string, attempt: number): string {
  return readPromptFile(id, files.freshPrompt(attempt));
}

function readPromptFile(id: string, path: string): string {
  const text = readTextFile(path, 2 * MAX_PLAN_BYTES);
  if (!text.ok)
    throw new DispatchError('state', `cannot start a new worker: ${text.problem}`, {
      hint: `Start it again: dispatch retry ${id}`,
    });
  return text.text;
}
