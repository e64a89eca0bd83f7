import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  COMPLETION_MARKER,
  ipcFileName,
  parseIpcFileName,
  readIpcState,
} from '../../core/ipc/ipc-protocol.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { preview, type TokenUsage } from '../../core/task/task-events.js';
import { writeRunningUsage } from '../budget/running-usage.js';
import { appendToExistingFile } from '../fs/append-text.js';
import { writeFileAtomic, writeFileExclusive } from '../fs/atomic-write.js';
import type { TaskFiles } from '../paths.js';
import { readEvents } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';
import {
  downStream,
  jobIdOf,
  routeQueueName,
  nodeKey,
  QUEUE_PREFIX,
  readMessages,
  sendMessage,
  upStream,
  type DownMessage,
  type RelayedEvent,
  type UpMessage,
} from './node-channels.js';
import { readAdverts } from './list-nodes.js';
import { bullPriority, type NodeJob } from './node-job.js';
import { continuationOf } from './node-continuation.js';
import { missingOffer } from './node-offers.js';
import { redactQueueUrl } from './queue-url.js';
import { connectRedis } from './redis-connection.js';
import { readRelayState, relayStatePath, writeRelayState, type RelayState } from './relay-state.js';

/** How often the relay checks that the node running the task is still alive. */
const CHECK_MS = 1000;
/** How often, while no node has taken the job, the relay checks that a live node offers it. */
const OFFER_CHECK_MS = 5000;

export interface RelayOptions {
  store: TaskStore;
  meta: TaskMeta;
  attempt: number;
  queueUrl: string;
  log: (line: string) => void;
}

/** The job of one attempt, made from the local task folder (the single source of truth). */
export function jobFor(meta: TaskMeta, files: TaskFiles, attempt: number): NodeJob {
  if (!meta.queue) throw new Error(`task ${meta.id} was not dispatched to a queue`);
  const continuation = continuationOf(files, readEvents(files), attempt);
  return {
    taskId: meta.id,
    attempt,
    ...routeOf(meta),
    title: meta.title,
    request: meta.request,
    planText: readFileSync(files.plan, 'utf8'),
    repository: meta.queue.repository,
    commit: meta.queue.commit,
    priority: meta.priority,
    ...(meta.queue.iterate ? { iterate: meta.queue.iterate } : {}),
    ...(meta.queue.budget?.maxCostUsd !== undefined
      ? { maxCostUsd: meta.queue.budget.maxCostUsd }
      : {}),
    ...(meta.queue.budget?.maxTokens !== undefined
      ? { maxTokens: meta.queue.budget.maxTokens }
      : {}),
    ...(continuation ? { continuation } : {}),
  };
}

/**
 * The name a task is routed by: its capability, else its alias, else its model. An alias travels
 * by name, so the node's own alias of that name (its model, its prompt) runs.
 */
export function routeOf(meta: TaskMeta): { model: string; capability: string | undefined } {
  return { model: meta.alias ?? meta.model, capability: meta.capability };
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value < 1e9;
const isText = (value: unknown): value is string => typeof value === 'string';
const isCommit = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{40,64}$/.test(value);
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isRun = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value < 1e6;

/** Token counts from the network: only finite counts are taken, the rest is left out. */
function usageOf(value: Record<string, unknown>): TokenUsage | undefined {
  if (!isCount(value.inputTokens) || !isCount(value.outputTokens)) return undefined;
  const usage: TokenUsage = { inputTokens: value.inputTokens, outputTokens: value.outputTokens };
  for (const key of ['cacheReadTokens', 'cacheWriteTokens', 'costUsd'] as const)
    if (isCount(value[key])) usage[key] = value[key];
  return usage;
}

type LocalEvent = DistributiveOmit<RelayedEvent, never>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * One event of the node's task, rebuilt field by field from what the network sent (never passed
 * on as it came); undefined when it is not one the views here take. Text is cut short so the
 * line stays whole in events.jsonl; the local attempt is the caller's.
 */
export function relayedEvent(value: unknown): LocalEvent | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const e = value as Record<string, unknown>;
  switch (e.type) {
    case 'verify-started':
      // The process runs on the node: the pid here is the relay's own, which ends with it.
      return isRun(e.run)
        ? { type: 'verify-started', run: e.run, pid: process.pid, startTime: null }
        : undefined;
    case 'verified':
      if (
        !isRun(e.run) ||
        typeof e.passed !== 'boolean' ||
        !(e.code === null || (typeof e.code === 'number' && Number.isInteger(e.code))) ||
        typeof e.timedOut !== 'boolean' ||
        !isCount(e.durationMs) ||
        typeof e.iterate !== 'boolean' ||
        !isText(e.lastLine)
      )
        return undefined;
      return {
        type: 'verified',
        run: e.run,
        passed: e.passed,
        code: e.code,
        ...(isText(e.signal) ? { signal: preview(e.signal, 40) } : {}),
        timedOut: e.timedOut,
        durationMs: e.durationMs,
        ...(isText(e.error) ? { error: preview(e.error, 500) } : {}),
        iterate: e.iterate,
        lastLine: preview(e.lastLine, 500),
      };
    case 'usage': {
      const usage = usageOf(e);
      return usage ? { type: 'usage', ...usage } : undefined;
    }
    case 'budget-exceeded':
      if (
        (e.scope !== 'task' && e.scope !== 'day') ||
        (e.unit !== 'USD' && e.unit !== 'tokens') ||
        !isCount(e.used) ||
        !isCount(e.max) ||
        typeof e.stopped !== 'boolean'
      )
        return undefined;
      return {
        type: 'budget-exceeded',
        scope: e.scope,
        unit: e.unit,
        used: e.used,
        max: e.max,
        stopped: e.stopped,
      };
    default:
      return undefined;
  }
}

/**
 * Passes a cancel on to the node of one attempt: a job no node has taken yet is removed from
 * its queue, and the attempt's down stream gets the cancel, which a node running it applies to
 * its own task (its worker stops, and its exit comes up).
 */
export async function passCancelOn(
  redis: Redis,
  queue: Queue,
  taskId: string,
  attempt: number,
  reason: string,
): Promise<void> {
  const job = await Job.fromId(queue, jobIdOf(taskId, attempt));
  const state = job ? await job.getState() : undefined;
  if (job && (state === 'waiting' || state === 'prioritized' || state === 'delayed'))
    await job.remove();
  await sendMessage(redis, downStream(taskId, attempt), { type: 'cancel', reason });
}

/** A node id from the network is shown in every listing: only plain names are taken. */
const isNodeId = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(value);

/**
 * Where the user works, one relay per attempt of a task dispatched to a queue: it puts the job
 * on the queue, then mirrors what the node sends (plan, log, questions, acknowledgments, output,
 * completion, exit) into the local task folder and sends the local answers back, so every local
 * reader works unchanged. To the local runtime the relay is the task's worker process: its pid
 * is in the `spawned` event, `cancel` stops it (it passes the cancel on), and it records the
 * exit the node reports, or `node-lost` when the node's heartbeat or lease runs out.
 */
export class TaskRelay {
  private readonly files: TaskFiles;
  private readonly redis: Redis;
  private readonly blocking: Redis;
  private readonly queue: Queue;
  private readonly jobId: string;
  private node: string | undefined;
  /** The node's heartbeat interval, from its `started` message. */
  private heartbeatMs = 5000;
  /** Since when the node's advertisement has been missing. */
  private missingSince: number | undefined;
  private readonly answered: Set<number>;
  /** Notes already in the plan the job carries are not sent again. */
  private readonly notesSent: Set<string>;
  private stopping = false;
  /** Where the node's messages were read up to. */
  private cursor: string;
  private readonly statePath: string;
  /** What an earlier relay of this attempt had done, when this one was started again. */
  private readonly previous: RelayState | undefined;
  private savedState = '';
  /** Why no node could take the job, as last recorded in the history (null: one could). */
  private nodeWait: string | null;

  constructor(private readonly options: RelayOptions) {
    this.files = options.store.files(options.meta.id);
    this.statePath = relayStatePath(this.files.taskDir, options.attempt);
    this.previous = readRelayState(this.statePath);
    this.cursor = this.previous?.cursor ?? '0';
    this.node = this.previous?.node;
    this.heartbeatMs = this.previous?.heartbeatMs ?? this.heartbeatMs;
    this.answered = new Set(this.previous?.answered ?? []);
    this.notesSent = new Set(this.previous?.notes ?? listNames(this.files.notes));
    this.redis = connectRedis(options.queueUrl);
    this.blocking = this.redis.duplicate();
    this.queue = new Queue(routeQueueName(routeOf(options.meta)), {
      connection: this.redis.duplicate(),
      prefix: QUEUE_PREFIX,
    });
    this.jobId = jobIdOf(options.meta.id, options.attempt);
    const waits = readEvents(this.files).filter(
      (event) => event.type === 'node-wait' && event.attempt === options.attempt,
    );
    const last = waits[waits.length - 1];
    this.nodeWait = last?.type === 'node-wait' ? last.reason : null;
  }

  private get id(): string {
    return this.options.meta.id;
  }

  /** Runs until the node reports the exit (or is lost); returns the process exit code. */
  async run(): Promise<number> {
    if (this.previous === undefined) {
      const job = jobFor(this.options.meta, this.files, this.options.attempt);
      // Adding a job id that exists is a no-op: a relay that died here does not enqueue twice.
      await this.queue.add('task', job, {
        jobId: this.jobId,
        priority: bullPriority(job.priority),
        attempts: 1,
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
      this.logLine(
        `queued as job ${this.jobId} on ${redactQueueUrl(this.options.queueUrl)} (${job.capability !== undefined ? `capability ${job.capability}` : job.model})`,
      );
    } else {
      // The job was queued by an earlier relay: never again (it may have ended and been removed).
      this.logLine(`reading on from the node's messages after ${this.cursor}`);
    }
    this.saveState();
    let lastCheck = 0;
    let lastOfferCheck = 0;
    const up = upStream(this.id, this.options.attempt);
    while (!this.stopping) {
      // Before anything that reads or writes the folder, which fails once it is gone.
      if (this.folderGone()) {
        // Removed by hand (rm -rf, a deleted project): nobody here can see the task any more, so
        // neither its job nor this process should outlive it.
        this.options.log(`relay: the task's folder ${this.files.taskDir} is gone; cancelling`);
        await this.cancel();
        return 143;
      }
      try {
        for (const { id, message } of await readMessages<UpMessage>(
          this.blocking,
          up,
          this.cursor,
          500,
        )) {
          const code = this.apply(message);
          // Saved after each message: a relay stopped in between repeats at most that one.
          this.cursor = id;
          this.saveState();
          if (code !== undefined) return code;
        }
        await this.sendAnswers();
        await this.sendNotes();
        if (this.node === undefined && Date.now() - lastOfferCheck >= OFFER_CHECK_MS) {
          lastOfferCheck = Date.now();
          await this.checkOffer();
        }
        if (Date.now() - lastCheck >= CHECK_MS) {
          lastCheck = Date.now();
          const lost = await this.lostReason();
          if (lost !== undefined) {
            // A node that failed the job may have sent its own account of why just before.
            for (const { message } of await readMessages<UpMessage>(
              this.blocking,
              up,
              this.cursor,
              100,
            )) {
              const code = this.apply(message);
              if (code !== undefined) return code;
            }
            return this.nodeLost(lost);
          }
        }
      } catch (error) {
        // Redis away (restarting, network): the client reconnects; try again shortly.
        if (this.stopping) break;
        this.options.log(`relay: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, CHECK_MS));
      }
    }
    return 143;
  }

  /** Whether the task's folder (its task.json) is no longer there; a link in its place counts. */
  private folderGone(): boolean {
    return lstatSync(this.files.meta, { throwIfNoEntry: false }) === undefined;
  }

  /** Passes a cancel on: a job not taken yet is removed, a running one is told to stop. */
  async cancel(): Promise<void> {
    this.stopping = true;
    try {
      await passCancelOn(
        this.redis,
        this.queue,
        this.id,
        this.options.attempt,
        'cancelled where the task was dispatched',
      );
    } catch (error) {
      this.options.log(`relay: cancel not passed on: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.blocking.disconnect();
    this.redis.disconnect();
  }

  /** Mirrors one message; returns an exit code when the attempt is over. */
  private apply(message: UpMessage): number | undefined {
    const files = this.files;
    const m = message as UpMessage & Record<string, unknown>;
    switch (m.type) {
      case 'started':
        if (!isNodeId(m.node)) break;
        if (typeof m.heartbeatMs === 'number' && m.heartbeatMs > 0)
          this.heartbeatMs = m.heartbeatMs;
        this.logLine(`running on node ${m.node}`);
        // Once per attempt, also when a restarted relay reads the stream again.
        if (this.node === undefined && !this.recordedOnNode())
          this.options.store.appendEvent(this.id, {
            type: 'on-node',
            attempt: this.options.attempt,
            node: m.node,
          });
        this.node = m.node;
        break;
      case 'plan':
        if (isText(m.text)) writeFileAtomic(files.plan, m.text, { mode: 0o600 });
        break;
      case 'log':
        if (isText(m.text)) appendToExistingFile(files.log, m.text);
        break;
      case 'question':
        if (isSeq(m.seq) && isText(m.text))
          writeFileExclusive(files.ipcFile(ipcFileName(m.seq, 'question')), m.text, {
            mode: 0o600,
          });
        break;
      case 'ack':
        if (isSeq(m.seq))
          writeFileExclusive(files.ipcFile(ipcFileName(m.seq, 'done')), '', { mode: 0o600 });
        break;
      case 'output':
        if (isText(m.text)) writeFileAtomic(files.output, m.text, { mode: 0o600 });
        break;
      case 'context':
        if (isText(m.text)) writeFileAtomic(files.context, m.text, { mode: 0o600 });
        break;
      case 'done':
        writeFileAtomic(files.ipcFile(COMPLETION_MARKER), '', { mode: 0o600 });
        break;
      case 'pushed':
        this.logLine(
          `node pushed ${String(m.branch)} at ${String(m.commit)}${m.committed ? ' (it committed what the worker left uncommitted)' : ''}${m.partial === true ? ' while the worker waits for an answer' : ''}`,
        );
        if (isCommit(m.commit))
          this.options.store.appendEvent(this.id, {
            type: 'node-pushed',
            attempt: this.options.attempt,
            node: this.node ?? 'not known',
            commit: m.commit,
            partial: m.partial === true,
          });
        break;
      case 'push-failed':
        this.logLine(
          `node could not push ${String(m.branch)}: ${String(m.reason)}; the worktree stays at ${String(m.worktree)}`,
        );
        break;
      case 'verify-spec':
        // Shown here, never run here: a node verifies with its own alias's command.
        if (
          isText(m.command) &&
          isCount(m.timeoutMinutes) &&
          isCount(m.iterate) &&
          !this.hasEvent('verify-on-node')
        )
          this.options.store.appendEvent(this.id, {
            type: 'verify-on-node',
            attempt: this.options.attempt,
            command: preview(m.command, 1000),
            timeoutMinutes: m.timeoutMinutes,
            iterate: m.iterate,
          });
        break;
      case 'verify-log':
        if (isText(m.text)) writeFileAtomic(files.verifyLog, m.text, { mode: 0o600 });
        break;
      case 'running-usage': {
        const usage = usageOf(m);
        if (usage) writeRunningUsage(files.usage, this.options.attempt, usage);
        break;
      }
      case 'event': {
        const event = relayedEvent(m.event);
        if (event)
          this.options.store.appendEvent(this.id, { ...event, attempt: this.options.attempt });
        else this.options.log('relay: ignored an event it could not read');
        break;
      }
      case 'exit': {
        const code = typeof m.code === 'number' && Number.isInteger(m.code) ? m.code : 1;
        const reason = isText(m.reason) && m.reason !== '' ? preview(m.reason, 500) : undefined;
        this.logLine(
          `node reports the worker ended: ${String(m.state)} (exit ${code})${reason ? `: ${reason}` : ''}`,
        );
        this.options.store.appendEvent(this.id, {
          type: 'exited',
          attempt: this.options.attempt,
          code,
          ...(reason ? { reason } : {}),
        });
        return code;
      }
      default:
        this.options.log(
          `relay: ignored a message of type ${String((message as { type: unknown }).type)}`,
        );
    }
    return undefined;
  }

  /** Sends each local answer once; the node writes it into its own task folder. */
  private async sendAnswers(): Promise<void> {
    for (const name of listNames(this.files.ipc)) {
      const parsed = parseIpcFileName(name);
      if (parsed?.kind !== 'answer' || this.answered.has(parsed.seq)) continue;
      const text = readFileSync(this.files.ipcFile(name), 'utf8');
      const message: DownMessage = { type: 'answer', seq: parsed.seq, text };
      await sendMessage(this.redis, downStream(this.id, this.options.attempt), message);
      this.answered.add(parsed.seq);
      this.saveState();
    }
  }

  /** Sends each local note once; the node adds it to its plan as `dispatch note` does here. */
  private async sendNotes(): Promise<void> {
    for (const name of listNames(this.files.notes)) {
      if (!name.endsWith('.md') || this.notesSent.has(name)) continue;
      const text = readFileSync(join(this.files.notes, name), 'utf8');
      await sendMessage(this.redis, downStream(this.id, this.options.attempt), {
        type: 'note',
        text,
      });
      this.notesSent.add(name);
      this.saveState();
    }
  }

  /**
   * Records, while no node has taken the job, whether a live node offers what it asks for: so
   * the task's status says why it waits (and says no more once a node does).
   */
  private async checkOffer(): Promise<void> {
    const reason = missingOffer(routeOf(this.options.meta), await readAdverts(this.redis)) ?? null;
    if (reason === this.nodeWait) return;
    this.nodeWait = reason;
    if (reason !== null) this.logLine(`waiting for a node: ${reason}`);
    this.options.store.appendEvent(this.id, {
      type: 'node-wait',
      attempt: this.options.attempt,
      reason: reason === null ? null : preview(reason, 900),
    });
  }

  /** Why the node running the task counts as lost, if it does. */
  private async lostReason(): Promise<string | undefined> {
    if (this.node !== undefined) {
      // After a Redis restart the key may be gone until the node's next heartbeat: missing for
      // two more heartbeats (beyond the key's own expiry of three) is lost.
      if ((await this.redis.exists(nodeKey(this.node))) === 0) {
        this.missingSince ??= Date.now();
        if (Date.now() - this.missingSince >= 2 * this.heartbeatMs) return 'its heartbeat stopped';
      } else this.missingSince = undefined;
    }
    const job = await Job.fromId(this.queue, this.jobId);
    if (job && (await job.getState()) === 'failed')
      return `the queue failed the job: ${job.failedReason}`;
    return undefined;
  }

  private nodeLost(reason: string): number {
    const node = this.node ?? 'not known';
    // With a question open the user's answer starts the task again (node-continuation.ts).
    const asking = readIpcState(listNames(this.files.ipc)).unanswered.length > 0;
    this.logLine(
      `node ${node} lost: ${reason}; ${asking ? `answering its question (dispatch answer ${this.id} …) starts the task again on a node` : `\`dispatch retry ${this.id}\` runs the task again`}`,
    );
    this.options.store.appendEvent(this.id, {
      type: 'node-lost',
      attempt: this.options.attempt,
      node,
      reason,
    });
    return 1;
  }

  /** Keeps what this relay has done in the task folder, for a relay started again after it. */
  private saveState(): void {
    const state: RelayState = {
      cursor: this.cursor,
      node: this.node,
      heartbeatMs: this.heartbeatMs,
      answered: [...this.answered].sort((a, b) => a - b),
      notes: [...this.notesSent].sort(),
    };
    const text = JSON.stringify(state);
    if (text === this.savedState) return;
    writeRelayState(this.statePath, state);
    this.savedState = text;
  }

  private hasEvent(type: string): boolean {
    return readEvents(this.files).some(
      (event) =>
        event.type === type && 'attempt' in event && event.attempt === this.options.attempt,
    );
  }

  private recordedOnNode(): boolean {
    return readEvents(this.files).some(
      (event) => event.type === 'on-node' && event.attempt === this.options.attempt,
    );
  }

  private logLine(text: string): void {
    if (existsSync(this.files.log))
      appendToExistingFile(this.files.log, `--- agent-dispatch: ${text} ---\n`);
  }
}
