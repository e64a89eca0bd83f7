import type { Redis } from 'ioredis';
import type { TaskEvent, TokenUsage } from '../../core/task/task-events.js';

/**
 * The names every part of the fleet agrees on (docs/nodes.md lists them with their messages).
 * BullMQ keys live under the `dispatch` prefix; the traffic of one attempt travels over two Redis
 * streams, one each way, so nothing is lost while either side is away: a reader picks up where
 * its cursor stopped.
 */
export const QUEUE_PREFIX = 'dispatch';

/**
 * One BullMQ queue per model or alias name, and one per capability: a node listens only on the
 * names its own config offers and the capabilities it declares.
 */
export function modelQueueName(model: string): string {
  return `model-${encodeURIComponent(model)}`;
}

/** Capabilities are matched without regard to case, as the local scheduler does. */
export function capabilityQueueName(capability: string): string {
  return `capability-${encodeURIComponent(capability.toLowerCase())}`;
}

/** Where a job goes: the capability's queue when it asks for one, else its model's or alias's. */
export function routeQueueName(route: { model: string; capability?: string | undefined }): string {
  return route.capability !== undefined
    ? capabilityQueueName(route.capability)
    : modelQueueName(route.model);
}

/** BullMQ job ids may not hold ':' and may not be plain numbers. */
export function jobIdOf(taskId: string, attempt: number): string {
  return `${taskId}.${attempt}`;
}

/** Node → where the user works: plan, log, questions, acknowledgments, exit. */
export function upStream(taskId: string, attempt: number): string {
  return `dispatch:task:${taskId}:${attempt}:up`;
}

/** Where the user works → node: answers, notes, cancel. */
export function downStream(taskId: string, attempt: number): string {
  return `dispatch:task:${taskId}:${attempt}:down`;
}

/** A node's advertisement, kept alive by its heartbeat (expires with it). */
export function nodeKey(nodeId: string): string {
  return `dispatch:node:${nodeId}`;
}
export const NODE_KEY_PATTERN = 'dispatch:node:*';

/** Streams of an attempt are kept this long after their last message. */
export const STREAM_TTL_SECONDS = 7 * 24 * 3600;

export type UpMessage =
  | { type: 'started'; node: string; worktree: string; heartbeatMs: number }
  | { type: 'plan'; text: string }
  | { type: 'log'; text: string }
  | { type: 'question'; seq: number; text: string }
  | { type: 'ack'; seq: number }
  | { type: 'output'; text: string }
  /** The worker's context.md, written when it fell back (it waited too long for an answer). */
  | { type: 'context'; text: string }
  | { type: 'done' }
  /**
   * The branch is on the repository's remote: at the end, or (`partial`) when the worker fell
   * back to wait for an answer, so another node can go on from it if this one is lost.
   */
  | { type: 'pushed'; branch: string; commit: string; committed: boolean; partial?: boolean }
  | { type: 'push-failed'; branch: string; reason: string; worktree: string }
  | { type: 'exit'; code: number; state: string; reason: string | null }
  /** The node's own verify command for the task (its alias's `verify:`), sent before `done`. */
  | { type: 'verify-spec'; command: string; timeoutMinutes: number; iterate: number }
  /** The node's task history that the views here need: verify runs, usage, a budget stop. */
  | { type: 'event'; event: RelayedEvent }
  | { type: 'verify-log'; text: string }
  /** The node's usage.json: what its running worker has used so far. */
  | ({ type: 'running-usage' } & TokenUsage);

/** The node's events that are mirrored where the user works (without time and attempt). */
export type RelayedEvent = DistributiveOmit<
  Extract<TaskEvent, { type: 'verify-started' | 'verified' | 'usage' | 'budget-exceeded' }>,
  'time' | 'attempt'
>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export const RELAYED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'verify-started',
  'verified',
  'usage',
  'budget-exceeded',
]);

export type DownMessage =
  | { type: 'answer'; seq: number; text: string }
  | { type: 'note'; text: string }
  | { type: 'cancel'; reason: string };

/** Appends one message (a JSON object in the field `m`) and keeps the stream for a week. */
export async function sendMessage(
  redis: Redis,
  stream: string,
  message: UpMessage | DownMessage,
): Promise<void> {
  await redis
    .multi()
    .xadd(stream, '*', 'm', JSON.stringify(message))
    .expire(stream, STREAM_TTL_SECONDS)
    .exec();
}

export interface Received<T> {
  id: string;
  message: T;
}

/**
 * Reads the messages after `cursor` (`0` for all), waiting up to `blockMs` for the first. A
 * message that is not JSON of an object with a string `type` is skipped: the stream is input
 * from the network, not trusted to be well formed.
 */
export async function readMessages<T extends { type: string }>(
  redis: Redis,
  stream: string,
  cursor: string,
  blockMs: number,
): Promise<Received<T>[]> {
  const reply = await redis.xread('COUNT', 100, 'BLOCK', blockMs, 'STREAMS', stream, cursor);
  const out: Received<T>[] = [];
  for (const [, entries] of reply ?? []) {
    for (const [id, fields] of entries) {
      const index = fields.indexOf('m');
      const raw = index >= 0 ? fields[index + 1] : undefined;
      try {
        const message = JSON.parse(raw ?? '') as T;
        if (message && typeof message === 'object' && typeof message.type === 'string')
          out.push({ id, message });
        else out.push({ id, message: { type: 'invalid' } as T });
      } catch {
        out.push({ id, message: { type: 'invalid' } as T });
      }
    }
  }
  return out;
}
