import { z } from 'zod';
import { PRIORITIES, type Priority } from '../../core/task/task-meta.js';
import { isValidTaskId } from '../../core/task/task-id.js';

/** The most rounds a job may ask a node to spend on a failing verify. */
export const MAX_ITERATE = 20;

const commitId = z.string().regex(/^[0-9a-f]{40,64}$/, 'not a full commit id');

/**
 * What a job on the queue carries: the task as the user wrote it, never a command line. The node
 * checks every field, since anyone who can write to Redis can put a job there.
 */
export const nodeJobSchema = z.object({
  taskId: z.string().refine(isValidTaskId, 'not a valid task id'),
  attempt: z.number().int().min(1),
  /** The model or alias name, as the user's config resolved it; the node's own config runs it. */
  model: z.string().min(1).max(200),
  /** For a task dispatched by capability: the node picks its own alias with it. */
  capability: z.string().min(1).max(200).optional(),
  title: z.string().max(1000),
  request: z.string().max(200_000),
  planText: z.string().min(1).max(1_000_000),
  repository: z.string().min(1).max(4096),
  commit: commitId,
  priority: z.enum(PRIORITIES),
  /**
   * Rounds a failed verify sends the worker back (`--iterate`). Only the number travels: the
   * verify command is the node's own alias's `verify:`.
   */
  iterate: z.number().int().min(0).max(MAX_ITERATE).optional(),
  /** The task's budget (`--max-cost`, `--max-tokens`), enforced by the node's supervisor. */
  maxCostUsd: z.number().finite().positive().optional(),
  maxTokens: z.number().finite().positive().optional(),
  /**
   * For an attempt started by the user's answer after the node of the one before was lost
   * (node-continuation.ts): the question and answer and the context.md the worker wrote go into
   * the new worker's prompt, and the code is the commit that node pushed as its worker stopped.
   */
  continuation: z
    .object({
      answer: z.object({ question: z.string().max(200_000), text: z.string().max(200_000) }),
      context: z.string().max(1_000_000).optional(),
      fromCommit: commitId.optional(),
    })
    .optional(),
});

export type NodeJob = z.infer<typeof nodeJobSchema>;

/** BullMQ runs lower numbers first; 0 would mean "no priority" and jump every prioritized job. */
export function bullPriority(priority: Priority): number {
  return { high: 1, normal: 2, low: 3 }[priority];
}
