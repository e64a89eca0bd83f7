import * as z from 'zod/mini';
import { isFailed } from '../core/status/state-groups.js';
import { diagnoseFailure, type Diagnosis } from '../runtime/tasks/diagnose-failure.js';
import { waitForAttention } from '../runtime/tasks/wait-for-tasks.js';
import { defineOperation } from './define-operation.js';
import { superviseIfActive } from './supervision.js';
import { failureCause, taskIds } from './task-fields.js';
import { statusJson, taskSummary } from './task-summary.js';

export const waitInput = z.object({
  ids: z.optional(taskIds('Tasks to wait for; default: every unfinished task and any new one')),
  timeoutSeconds: z.optional(
    z
      .number()
      .check(
        z.minimum(0, 'the timeout must be 0 seconds or more'),
        z.describe('Give up after this many seconds (event "timeout"); default: no limit'),
      ),
  ),
});

/** A task that needs the user, and for a failed one why and what else could run it. */
export const attentionTask = z.extend(taskSummary, {
  cause: z.nullable(failureCause),
  alternatives: z.nullable(z.array(z.string())),
});

/**
 * `attention` when a task has a pending question or finished (the tasks that need the user),
 * `timeout` when the time ran out (the watched tasks), `idle` when nothing was running or queued,
 * `removed` when the folder of a watched task was deleted while waiting (`removed` names them;
 * nothing will ever finish them).
 */
export const waitResult = z.object({
  event: z.enum(['attention', 'timeout', 'idle', 'removed']),
  tasks: z.array(attentionTask),
  removed: z.optional(z.array(z.string())),
});

export type WaitResult = z.output<typeof waitResult>;

/**
 * Resolves as soon as something needs the user: a pending question on a watched task, or a
 * watched task that finished, failed or stopped (driven by file events, within milliseconds).
 */
export const waitOperation = defineOperation({
  name: 'wait',
  input: waitInput,
  result: waitResult,
  run: async (ctx, input, { signal }): Promise<WaitResult> => {
    await ctx.prepare();
    const store = ctx.store;
    const all = store.statuses();
    superviseIfActive(ctx, all);
    const outcome = await waitForAttention(store, {
      statuses: all,
      ids: input.ids && input.ids.length > 0 ? input.ids : undefined,
      timeoutMs: input.timeoutSeconds !== undefined ? input.timeoutSeconds * 1000 : undefined,
      signal,
    });
    const diagnoses = new Map<string, Diagnosis>();
    for (const task of outcome.tasks) {
      if (!isFailed(task.state)) continue;
      try {
        diagnoses.set(task.id, diagnoseFailure(store, ctx.config(), task));
      } catch {
        // a broken config must not hide the failure itself
      }
    }
    return {
      event: outcome.kind,
      ...(outcome.kind === 'removed' ? { removed: outcome.removed } : {}),
      tasks: outcome.tasks.map((task) => ({
        ...statusJson(task),
        cause: diagnoses.get(task.id)?.cause ?? null,
        alternatives: diagnoses.get(task.id)?.alternatives ?? null,
      })),
    };
  },
});
