import { existsSync } from 'node:fs';
import type { Config } from '../../core/config/config-types.js';
import { bestOfModels, childId } from '../../core/bestof/best-of.js';
import { DispatchError } from '../../core/errors.js';
import { assertValidTaskId, uniqueTaskId } from '../../core/task/task-id.js';
import type { TaskStore } from '../store/task-store.js';
import { git } from '../worktree/git.js';
import { worktreeTaken } from '../worktree/add-worktree.js';
import { isClaimed } from '../worktree/worktree-claim.js';
import { prepareDispatch, type DispatchRequest } from './prepare-dispatch.js';

export interface BestOfChoice {
  /** How many runs. */
  n: number;
  /** The models of the runs, cycled when fewer than `n` (`--models`). */
  models?: string[];
}

/**
 * `dispatch run --best-of N`: the same request as N tasks, each in a worktree of its own, named
 * `<group>.1` … `<group>.N` and marked as runs of the group. The group's id is `--id`, or made
 * from the title like any task's, free as a task id and for all N runs. Nothing is written here;
 * the requests are created like a fan-out's (all checked first, then each made whole).
 */
export function bestOfRequests(
  store: TaskStore,
  config: Config,
  request: DispatchRequest,
  choice: BestOfChoice,
): DispatchRequest[] {
  const models = bestOfModels(choice.n, choice.models, request.model);
  if (request.worktree === false)
    throw new DispatchError('usage', '--best-of runs every try in a worktree of its own', {
      hint: 'Leave out --no-worktree: the runs must not write into the same folder.',
    });
  requireRepository(request.cwd ?? store.paths.project);
  // The first run checked now: the title, the model, and a clear error outside a git repository.
  const first = prepareDispatch(store, config, {
    ...request,
    id: undefined,
    model: models[0],
    worktree: true,
  });
  const repository = first.repository;
  const taken = (group: string) =>
    store.exists(group) ||
    Array.from({ length: choice.n }, (_, i) => childId(group, i + 1)).some(
      (id) =>
        store.exists(id) ||
        isClaimed(store.paths, id) ||
        (repository !== undefined && worktreeTaken(store.paths, id, repository)),
    );
  let group: string;
  if (request.id !== undefined) {
    group = assertValidTaskId(request.id);
    assertValidTaskId(childId(group, choice.n));
    if (taken(group))
      throw new DispatchError('conflict', `the id "${group}" or one of ${group}.1 … is taken`, {
        hint: 'Pick another --id, or leave it out to get a free one from the title.',
      });
  } else {
    group = uniqueTaskId(first.title, taken);
  }
  return models.map((model, i) => ({
    ...request,
    id: childId(group, i + 1),
    title: first.title,
    model,
    worktree: true,
    bestOf: { group, index: i + 1, of: choice.n },
  }));
}

/** A clear error outside a git repository, saying why best-of needs one. */
function requireRepository(cwd: string): void {
  if (!existsSync(cwd)) return; // the usual error for a missing folder follows
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  if (top.code === 0) return;
  throw new DispatchError('state', `--best-of needs a git repository; ${cwd} is not inside one`, {
    hint: 'Each run works in a git worktree of its own, so the runs can be compared and one of them merged. Run it inside a repository (or pass --cwd to one), or run `git init` and commit first.',
  });
}
