import * as z from 'zod/mini';
import { reviewTask, trustTask } from '../runtime/trust/trust-task.js';
import { defineOperation } from './define-operation.js';
import { taskId } from './task-fields.js';

export const trustInput = z.object({
  id: taskId,
  yes: z.optional(z.boolean().check(z.describe('Sign it (after reading what it runs)'))),
});

/** A task's launch record as the user reads it before vouching for it, and whether it was signed. */
export const trustResult = z.object({
  id: z.string(),
  /** Why it was not trusted before this call; null when it already was. */
  untrusted: z.nullable(z.string()),
  command: z.string(),
  argv: z.array(z.string()),
  /** The folder it runs in (its worktree, if it has one). */
  folder: z.string(),
  model: z.string(),
  backend: z.string(),
  backendType: z.string(),
  /** This call signed it. */
  signed: z.boolean(),
});

export type TrustResult = z.output<typeof trustResult>;

/**
 * `dispatch trust`: shows what a task not signed by the user would run and, with `yes`, signs
 * its launch record with the user's key, as if the user had just dispatched it.
 */
export const trustOperation = defineOperation({
  name: 'trust',
  input: trustInput,
  result: trustResult,
  run: (ctx, { id, yes }): TrustResult => {
    const review = reviewTask(ctx.store, id);
    const { meta } = review;
    const sign = review.untrusted !== undefined && yes === true;
    if (sign) trustTask(ctx.store, review);
    return {
      id,
      untrusted: review.untrusted ?? null,
      command: meta.command,
      argv: meta.argv,
      folder: meta.worktree?.path ?? meta.cwd,
      model: meta.model,
      backend: meta.backend,
      backendType: meta.backendType,
      signed: sign,
    };
  },
});
