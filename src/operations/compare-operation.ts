import * as z from 'zod/mini';
import { comparisonRow, type ChangeStat, type ComparisonRow } from '../core/bestof/comparison.js';
import { isActive } from '../core/status/state-groups.js';
import type { TaskStatus } from '../core/status/task-status.js';
import { summarizeUsage } from '../core/task/task-usage.js';
import { TASK_OUTCOMES } from '../core/verify/verify-status.js';
import { readEvents } from '../runtime/store/read-snapshot.js';
import type { TaskStore } from '../runtime/store/task-store.js';
import { findGroup } from '../runtime/tasks/best-of-group.js';
import { worktreeChanges } from '../runtime/worktree/worktree-diff.js';
import { defineOperation } from './define-operation.js';
import { superviseIfActive } from './supervision.js';
import { taskState } from './task-fields.js';

/** A best-of group, named by its id or by one of its runs' ids. */
export const groupRef = z
  .string()
  .check(
    z.minLength(1, 'give the id of a best-of group'),
    z.describe(
      'The best-of group\'s id, as dispatch_run returned it for bestOf (e.g. "fix-parser" for the runs fix-parser.1, fix-parser.2), or the id of one of its runs',
    ),
  );

export const compareInput = z.object({ id: groupRef });

const comparisonRun = z.object({
  id: z.string(),
  /** The run's number in the group, from 1. */
  index: z.number(),
  model: z.nullable(z.string()),
  state: taskState,
  /** done-verified, done-unverified or verify-failed; null until the run's worker finished. */
  outcome: z.nullable(z.enum(TASK_OUTCOMES)),
  /** The latest verify result, when the verify command ran. */
  verify: z.nullable(
    z.object({ passed: z.boolean(), code: z.nullable(z.number()), lastLine: z.string() }),
  ),
  /**
   * What the run changed since its worktree's base commit, uncommitted work included; null when
   * neither its worktree nor its branch is left.
   */
  changes: z.nullable(
    z.object({ added: z.number(), removed: z.number(), files: z.array(z.string()) }),
  ),
  elapsedMs: z.nullable(z.number()),
  /** Tokens the agent CLI reported; null when it reported none (unknown). */
  tokens: z.nullable(z.object({ input: z.number(), output: z.number() })),
  /** Cost in US dollars the agent CLI reported; null when unknown (never a made-up 0). */
  costUsd: z.nullable(z.number()),
  /** The run's branch was merged (`dispatch pick` or `dispatch merge`). */
  merged: z.boolean(),
});

export const compareResult = z.object({
  group: z.string(),
  title: z.string(),
  /** How many runs the group was started with. */
  of: z.number(),
  /** Every run has finished (successfully or not): the group can be picked from. */
  settled: z.boolean(),
  runs: z.array(comparisonRun),
});

export type CompareResult = z.output<typeof compareResult>;

/** What a run changed, asked of git only for the user's own task (a planted path is never run). */
function changesOf(status: TaskStatus): ChangeStat | undefined {
  if (!status.worktree || status.untrusted) return undefined;
  try {
    return worktreeChanges(status.worktree);
  } catch {
    return undefined; // a repository git cannot read: the size is unknown
  }
}

export function compareRuns(
  store: TaskStore,
  children: TaskStatus[],
): (ComparisonRow & { merged: boolean })[] {
  return children.map((status) => {
    const events = readEvents(store.files(status.id));
    return {
      ...comparisonRow(status, summarizeUsage(events), changesOf(status)),
      merged: events.some((event) => event.type === 'worktree' && event.action === 'merged'),
    };
  });
}

/**
 * The runs of a best-of group side by side (`dispatch compare`): each one's verify result, diff
 * size, files touched, time, tokens and cost. Changes nothing.
 */
export const compareOperation = defineOperation({
  name: 'compare',
  input: compareInput,
  result: compareResult,
  run: (ctx, { id }): CompareResult => {
    const { group, children } = findGroup(ctx.store, id);
    superviseIfActive(ctx, children);
    return {
      group,
      title: children[0]?.title ?? group,
      of: children[0]?.bestOf?.of ?? children.length,
      settled: children.every((status) => !isActive(status.state)),
      runs: compareRuns(ctx.store, children),
    };
  },
});
