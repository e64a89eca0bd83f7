import { existsSync, readFileSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/config/config-types.js';
import { COMPLETION_MARKER, parseIpcFileName } from '../../core/ipc/ipc-protocol.js';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { ensureSupervisor } from '../supervisor/ensure-supervisor.js';
import type { TaskFiles } from '../paths.js';
import { TaskStore } from '../store/task-store.js';
import { answerTask } from '../tasks/answer-task.js';
import { cancelTask } from '../tasks/cancel-task.js';
import { dispatchTask } from '../tasks/dispatch-task.js';
import { noteTask } from '../tasks/note-task.js';
import {
  commitLeftovers,
  prepareCheckout,
  pushBranch,
  removeCheckout,
  type Checkout,
} from './code-checkout.js';
import {
  downStream,
  readMessages,
  sendMessage,
  upStream,
  RELAYED_EVENT_TYPES,
  type DownMessage,
  type RelayedEvent,
  type UpMessage,
} from './node-channels.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import { readRunningUsage } from '../budget/running-usage.js';
import { readEvents } from '../store/read-snapshot.js';
import type { NodeJob } from './node-job.js';

/** Worker log text is sent in pieces of at most this many bytes. */
const LOG_CHUNK = 64 * 1024;
/** verify.log is bounded where it is written; this keeps a message small whatever it holds. */
const MAX_VERIFY_LOG = 512 * 1024;

export interface NodeJobContext {
  nodeId: string;
  /** The node's folder: mirrors and worktrees. */
  dir: string;
  config: Config;
  env: NodeJS.ProcessEnv;
  /** A connection this job may block on (stream reads). */
  redis: Redis;
  log: (line: string) => void;
  /** How often the node renews its advertisement (the relay allows for missed renewals). */
  heartbeatMs: number;
}

/** What has been sent up so far, so each tick sends only what changed. */
class UpMirror {
  private plan = '';
  private output = '';
  private context = '';
  private verifyLog = '';
  private usage = '';
  private logOffset = 0;
  /** How many of the node task's events have been looked at. */
  private eventCount = 0;
  private readonly sent = new Set<string>();

  constructor(
    private readonly store: TaskStore,
    private readonly id: string,
    private readonly send: (message: UpMessage) => Promise<void>,
  ) {}

  async sync(): Promise<void> {
    const files = this.store.files(this.id);
    const plan = readQuietly(files.plan);
    if (plan !== undefined && plan !== this.plan) {
      this.plan = plan;
      await this.send({ type: 'plan', text: plan });
    }
    await this.syncLog(files.log);
    let names: string[] = [];
    try {
      names = readdirSync(files.ipc).sort();
    } catch {
      // not there yet
    }
    for (const name of names) {
      if (this.sent.has(name)) continue;
      const parsed = parseIpcFileName(name);
      if (parsed?.kind === 'question') {
        const text = readQuietly(files.ipcFile(name));
        if (text === undefined) continue;
        await this.send({ type: 'question', seq: parsed.seq, text });
      } else if (parsed?.kind === 'done') {
        await this.send({ type: 'ack', seq: parsed.seq });
      } else continue;
      this.sent.add(name);
    }
    const output = readQuietly(files.output);
    if (output !== undefined && output !== this.output) {
      this.output = output;
      await this.send({ type: 'output', text: output });
    }
    const context = readQuietly(files.context);
    if (context !== undefined && context !== this.context) {
      this.context = context;
      await this.send({ type: 'context', text: context });
    }
    await this.syncEvents(files);
    // The completion marker last: whoever sees it also has the final plan and output.
    if (names.includes(COMPLETION_MARKER) && !this.sent.has(COMPLETION_MARKER)) {
      this.sent.add(COMPLETION_MARKER);
      await this.send({ type: 'done' });
    }
  }

  /** Verify runs and results, usage and a budget stop, with verify.log and usage.json. */
  private async syncEvents(files: TaskFiles): Promise<void> {
    const usage = readQuietly(files.usage);
    if (usage !== undefined && usage !== this.usage) {
      this.usage = usage;
      const running = readRunningUsage(files.usage);
      if (running) {
        const { attempt: _attempt, time: _time, ...counts } = running;
        await this.send({ type: 'running-usage', ...counts });
      }
    }
    const events = readEvents(files);
    // The log first: whoever sees a verify result also has the output it came from.
    const verifyLog = readQuietly(files.verifyLog);
    if (verifyLog !== undefined && verifyLog !== this.verifyLog) {
      this.verifyLog = verifyLog;
      await this.send({ type: 'verify-log', text: verifyLog.slice(-MAX_VERIFY_LOG) });
    }
    for (; this.eventCount < events.length; this.eventCount++) {
      const event = events[this.eventCount];
      if (!event || !RELAYED_EVENT_TYPES.has(event.type)) continue;
      const {
        time: _time,
        attempt: _attempt,
        ...rest
      } = event as TaskEvent & {
        attempt: number;
      };
      await this.send({ type: 'event', event: rest as RelayedEvent });
    }
  }

  private async syncLog(path: string): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return;
    }
    while (this.logOffset < bytes.length) {
      const chunk = bytes.subarray(this.logOffset, this.logOffset + LOG_CHUNK);
      // Cut at the last newline so a multi-byte character or a line is never split.
      const cut = chunk.lastIndexOf(0x0a);
      const piece = cut >= 0 && chunk.length === LOG_CHUNK ? chunk.subarray(0, cut + 1) : chunk;
      this.logOffset += piece.length;
      await this.send({ type: 'log', text: piece.toString('utf8') });
    }
  }
}

/** Wakes the node's mirror of one task when its folder or its `ipc/` changes. */
class FolderWake {
  private readonly watchers: FSWatcher[] = [];
  private wake: (() => void) | undefined;
  private pending = false;
  private last = 0;

  constructor(private readonly files: TaskFiles) {
    this.watch(files.taskDir);
  }

  /**
   * Resolves on the next change (or one since the last call), or after `ms`; never sooner than
   * `gapMs` after the last time, so a worker writing its log in many small pieces does not have
   * the whole log read again for each.
   */
  async next(ms: number, gapMs: number): Promise<void> {
    if (this.watchers.length < 2 && existsSync(this.files.ipc)) this.watch(this.files.ipc);
    if (!this.pending)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
    this.wake = undefined;
    this.pending = false;
    const wait = this.last + gapMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.last = Date.now();
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
  }

  private watch(dir: string): void {
    try {
      const watcher = watch(dir, () => {
        this.pending = true;
        this.wake?.();
      });
      watcher.on('error', () => undefined);
      this.watchers.push(watcher);
    } catch {
      // Not there (yet): the tick still finds every change.
    }
  }
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function finished(status: TaskStatus): boolean {
  return TERMINAL_STATES.has(status.state) && !(status.state === 'timed-out' && !status.exit);
}

/** Applies one message from where the user works to the node's own task folder. */
async function applyDown(store: TaskStore, id: string, message: DownMessage, ctx: NodeJobContext) {
  try {
    if (message.type === 'answer' && typeof message.text === 'string')
      answerTask(store, { id, seq: message.seq, text: message.text, by: 'user (relayed)' });
    else if (message.type === 'note' && typeof message.text === 'string')
      noteTask(store, id, message.text);
    else if (message.type === 'cancel')
      await cancelTask(store, id, { by: 'user (relayed)', reason: String(message.reason) });
  } catch (error) {
    ctx.log(`${id}: ${message.type} not applied: ${(error as Error).message}`);
  }
}

/**
 * Runs one job: prepares the code, creates the task in the node's own `.dispatch/` root inside
 * the worktree and starts it with the same runner as a local task (the node's supervisor does
 * the fault handling), relays its files up and the user's answers down until it ends, then
 * commits what the worker left and pushes the branch. Returns the final state.
 */
export async function runNodeJob(job: NodeJob, ctx: NodeJobContext): Promise<string> {
  const up = upStream(job.taskId, job.attempt);
  const send = (message: UpMessage) => sendMessage(ctx.redis, up, message);
  let checkout: Checkout | undefined;
  let store: TaskStore;
  try {
    const fromCommit = job.continuation?.fromCommit;
    checkout = await prepareCheckout(
      ctx.dir,
      job.repository,
      fromCommit ?? job.commit,
      job.taskId,
      job.attempt,
      { fromTaskBranch: fromCommit !== undefined },
    );
    await send({
      type: 'started',
      node: ctx.nodeId,
      worktree: checkout.path,
      heartbeatMs: ctx.heartbeatMs,
    });
    store = new TaskStore(join(checkout.path, '.dispatch'), ctx.env);
    dispatchTask(store, ctx.config, {
      id: job.taskId,
      title: job.title,
      task: job.request || undefined,
      planText: job.planText,
      planSource: `the plan of job ${job.taskId}`,
      model: job.model,
      cwd: checkout.path,
      worktree: false,
      priority: job.priority,
      // Numbers only from the job; the verify command is the node's own alias's `verify:`.
      ...(job.iterate !== undefined ? { iterate: job.iterate } : {}),
      ...(job.maxCostUsd !== undefined ? { maxCostUsd: job.maxCostUsd } : {}),
      ...(job.maxTokens !== undefined ? { maxTokens: job.maxTokens } : {}),
      ...(job.continuation
        ? {
            carried: {
              answer: job.continuation.answer,
              ...(job.continuation.context !== undefined
                ? { context: job.continuation.context }
                : {}),
            },
          }
        : {}),
    });
    // Before the worker can finish: the task is shown as verifying, never done, meanwhile.
    const verify = store.meta(job.taskId)?.verify;
    if (verify)
      await send({
        type: 'verify-spec',
        command: verify.command,
        timeoutMinutes: verify.timeoutMinutes,
        iterate: verify.iterate,
      });
    ensureSupervisor(store);
  } catch (error) {
    // Nothing ran there: the worktree goes, the mirror stays for the next task.
    if (checkout) await removeCheckout(checkout);
    const reason = `node ${ctx.nodeId} could not start the task: ${(error as Error).message}`;
    await send({ type: 'log', text: `--- ${reason} ---\n` });
    await send({ type: 'exit', code: 1, state: 'failed', reason });
    throw error;
  }
  const mirror = new UpMirror(store, job.taskId, send);
  // Answers, notes and a cancel from where the user works are applied as they come, on a
  // connection of their own (a blocking read holds its connection).
  const reader = ctx.redis.duplicate();
  let ended = false;
  const down = (async () => {
    let cursor = '0';
    while (!ended) {
      try {
        for (const { id, message } of await readMessages<DownMessage>(
          reader,
          downStream(job.taskId, job.attempt),
          cursor,
          250,
        )) {
          cursor = id;
          await applyDown(store, job.taskId, message, ctx);
        }
      } catch (error) {
        // Redis away: the client reconnects; read again shortly.
        if (!ended) ctx.log(`${job.taskId}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  })();
  // A change in the task folder (a question, the plan, the log) is sent up at once; the tick
  // is the safety net for a change no file event announced.
  const folder = new FolderWake(store.files(job.taskId));
  let status: TaskStatus;
  /** The attempt and question the work so far was pushed for, as the worker fell back. */
  let pushedWhileBlocked = '';
  try {
    for (;;) {
      await mirror.sync();
      status = store.status(job.taskId);
      if (finished(status)) break;
      const blocked =
        status.state === 'blocked' ? `${status.attempt}:${status.question?.text}` : '';
      if (blocked && blocked !== pushedWhileBlocked) {
        pushedWhileBlocked = blocked;
        await pushWorkSoFar(checkout, job, ctx, send);
      }
      await folder.next(250, 20);
    }
  } finally {
    ended = true;
    folder.close();
    await down;
    reader.disconnect();
  }
  await mirror.sync();
  await deliverBranch(checkout, job, ctx, send);
  await send({
    type: 'exit',
    code: status.exit?.code ?? (status.state === 'done' ? 0 : 1),
    state: status.state,
    reason: status.reason ?? null,
  });
  return status.state;
}

type Send = (message: UpMessage) => Promise<void>;

/** Commits what the worker left and pushes the task's branch, then says so up. */
async function commitAndPush(
  checkout: Checkout,
  job: NodeJob,
  ctx: NodeJobContext,
  send: Send,
  partial: boolean,
): Promise<void> {
  const committed = await commitLeftovers(checkout, job.taskId, ctx.nodeId);
  const commit = await pushBranch(checkout, job.repository);
  await send({
    type: 'pushed',
    branch: checkout.branch,
    commit,
    committed,
    ...(partial ? { partial } : {}),
  });
}

/**
 * While the worker waits for the user's answer with nothing running (it fell back): the work so
 * far is committed and pushed, so that if this node is lost meanwhile, the answer starts the task
 * on another node from there (node-continuation.ts). A failure only costs that: it is logged.
 */
async function pushWorkSoFar(
  checkout: Checkout,
  job: NodeJob,
  ctx: NodeJobContext,
  send: Send,
): Promise<void> {
  try {
    await commitAndPush(checkout, job, ctx, send, true);
  } catch (error) {
    ctx.log(`${job.taskId}: the work so far was not pushed: ${(error as Error).message}`);
  }
}

/** Commits and pushes; a worktree whose push failed stays for someone to push by hand. */
async function deliverBranch(
  checkout: Checkout,
  job: NodeJob,
  ctx: NodeJobContext,
  send: Send,
): Promise<void> {
  try {
    await commitAndPush(checkout, job, ctx, send, false);
    await removeCheckout(checkout);
  } catch (error) {
    await send({
      type: 'push-failed',
      branch: checkout.branch,
      reason: (error as Error).message,
      worktree: existsSync(checkout.path) ? `${ctx.nodeId}:${checkout.path}` : '',
    });
  }
}
