import * as z from 'zod/mini';
import { DispatchError } from '../core/errors.js';
import { findChild, findGroup } from '../runtime/tasks/best-of-group.js';
import { describeWork, discardTaskWorktree } from '../runtime/worktree/discard-worktree.js';
import { mergeableWorktree, mergeTaskWorktree } from '../runtime/worktree/merge-worktree.js';
import { assertSettled, requireTaskWorktree } from '../runtime/worktree/task-worktree.js';
import { holdsWork, worktreeState } from '../runtime/worktree/worktree-state.js';
import { groupRef } from './compare-operation.js';
import { defineOperation } from './define-operation.js';
import { discardResult } from './discard-operation.js';
import { mergeResult } from './merge-operation.js';

export const pickInput = z.object({
  id: groupRef,
  child: z
    .string()
    .check(
      z.minLength(1, 'give the run to keep'),
      z.describe('The run to keep: its number in the group (2) or its id (fix-parser.2)'),
    ),
  force: z.optional(
    z
      .boolean()
      .check(z.describe('Keep the run even though it failed its verify command (docs/verify.md)')),
  ),
  yes: z.optional(
    z
      .boolean()
      .check(
        z.describe(
          "Delete the other runs' work without asking. Only after the user said so: it exists nowhere else",
        ),
      ),
  ),
});

export const pickResult = z.object({
  group: z.string(),
  /** The run that was merged. */
  picked: z.string(),
  merge: mergeResult,
  /** The other runs whose worktree and branch were removed. */
  discarded: z.array(discardResult),
  /** Other runs left as they were, and why (the user said no, already gone, git failed). */
  kept: z.array(z.object({ id: z.string(), reason: z.string() })),
});

export type PickResult = z.output<typeof pickResult>;

/**
 * Keeps one run of a best-of group (`dispatch pick`): merges it as `dispatch merge` does (a
 * verify-failed run only with `force`) and discards the others as `dispatch discard` does,
 * asking first for work that exists nowhere else (or refusing without someone to ask, unless
 * `yes`). Everything that would refuse is checked before anything is merged.
 */
export const pickOperation = defineOperation({
  name: 'pick',
  input: pickInput,
  result: pickResult,
  run: async (ctx, { id, child, force, yes }, { confirm }): Promise<PickResult> => {
    const store = ctx.store;
    const group = findGroup(store, id);
    const chosen = findChild(group, child);
    if (chosen.state === 'verify-failed' && !force)
      throw new DispatchError(
        'state',
        `run ${chosen.id} did not pass its verify command (${chosen.reason ?? 'verify failed'}); not picking it`,
        {
          hint: `Compare the runs with dispatch compare ${group.group}; pick another, or keep this one anyway: dispatch pick --force ${group.group} ${chosen.id}`,
        },
      );
    mergeableWorktree(store, chosen.id, { force });
    const others = group.children
      .filter((status) => status.id !== chosen.id)
      .map((status) => requireTaskWorktree(store, status.id));
    for (const other of others) assertSettled(other, 'discard');
    const states = new Map(others.map((other) => [other.meta.id, worktreeState(other.worktree)]));
    if (!yes && !confirm) {
      const holding = others.filter((other) => holdsWork(states.get(other.meta.id)!));
      if (holding.length > 0)
        throw new DispatchError(
          'state',
          `refusing to pick ${chosen.id}: discarding the other runs would delete work that exists nowhere else (${holding.map((other) => `${other.meta.id}: ${describeWork(states.get(other.meta.id)!)}`).join('; ')})`,
          {
            hint: `Nothing was merged or deleted. Pick on a terminal to be asked, or delete their work anyway: dispatch pick --yes ${group.group} ${chosen.id}`,
          },
        );
    }
    const merge = mergeTaskWorktree(store, chosen.id, { force });
    const discarded: PickResult['discarded'] = [];
    const kept: PickResult['kept'] = [];
    for (const other of others) {
      const state = states.get(other.meta.id)!;
      if (!state.present && !state.branch) {
        kept.push({ id: other.meta.id, reason: 'its worktree and branch are already gone' });
        continue;
      }
      try {
        discarded.push(await discardTaskWorktree(store, other.meta.id, { yes, confirm }));
      } catch (error) {
        if (!(error instanceof DispatchError)) throw error;
        kept.push({ id: other.meta.id, reason: error.message });
      }
    }
    return { group: group.group, picked: chosen.id, merge, discarded, kept };
  },
});
