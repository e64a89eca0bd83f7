import type { TaskBudget } from '../../core/budget/budget.js';
import type { Config } from '../../core/config/config-types.js';
import type { QueueInfo, TaskMeta } from '../../core/task/task-meta.js';
import { DispatchError } from '../../core/errors.js';
import type { TaskStore } from '../store/task-store.js';
import { createAndStart, type DispatchResult } from '../tasks/dispatch-task.js';
import {
  checkBudgetFlags,
  prepareDispatch,
  type DispatchRequest,
} from '../tasks/prepare-dispatch.js';
import { git } from '../worktree/git.js';
import { repositoryOf } from '../worktree/repository.js';
import { checkQueueUrl, redactQueueUrl } from './queue-url.js';
import { MAX_ITERATE } from './node-job.js';
import { connectRedis, pingRedis } from './redis-connection.js';
import { listNodes } from './list-nodes.js';
import { missingOffer } from './node-offers.js';
import { routeOf } from './task-relay.js';

/**
 * Where a node gets the code: origin's URL, or the repository's own folder when it has no origin
 * (a node on the same machine can clone that), and the commit checked out now. Changes not yet
 * committed stay behind: a node sees only what is committed (and pushed, for a remote).
 */
export function queueTarget(projectDir: string, url: string): QueueInfo {
  const repo = repositoryOf(projectDir, 'A task for a worker node');
  const origin = git(['remote', 'get-url', 'origin'], repo.top);
  return {
    url: redactQueueUrl(url),
    repository: origin.code === 0 && origin.stdout.trim() ? origin.stdout.trim() : repo.top,
    commit: repo.head,
  };
}

/**
 * What the tasks of one `dispatch run` share: the queue is checked once, and each folder's
 * repository, origin and commit are looked up once (three git processes a task before), so a
 * fan-out of a thousand tasks costs neither a thousand connections nor three thousand git runs,
 * and all its tasks start from the same commit.
 */
export interface QueueRun {
  checked: boolean;
  targets: Map<string, QueueInfo>;
  /**
   * Whether the run dispatches several tasks. Their relays are then left to the supervisor, as a
   * local fan-out's workers are: a scheduling pass per task here would read every task again
   * and start each relay from this process before `dispatch run` could return.
   */
  fanOut: boolean;
}

export const newQueueRun = (tasks = 1): QueueRun => ({
  checked: false,
  targets: new Map(),
  fanOut: tasks > 1,
});

/** `--max-cost` / `--max-tokens` for the node: numbers above 0, checked here as the node checks. */
function queueBudget(request: DispatchRequest): TaskBudget | undefined {
  checkBudgetFlags(request);
  if (request.maxCostUsd === undefined && request.maxTokens === undefined) return undefined;
  return {
    ...(request.maxCostUsd !== undefined ? { maxCostUsd: request.maxCostUsd } : {}),
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
  };
}

/**
 * For each task whose commit the repository's remote does not have, as far as this clone knows
 * (no remote-tracking branch contains it): the node fetches the code from there and would fail.
 * Said, not refused: the remote may have it under a name this clone has not fetched.
 */
export function unpushedWarnings(metas: readonly TaskMeta[]): string[] {
  const warnings: string[] = [];
  // Once per folder, remote and commit: the tasks of a fan-out share them.
  const checked = new Map<string, boolean>();
  for (const meta of metas) {
    const queue = meta.queue;
    if (!queue) continue;
    const key = `${meta.cwd}\0${queue.repository}\0${queue.commit}`;
    let known = checked.get(key);
    if (known === undefined) {
      const repo = repositoryOf(meta.cwd, 'A task for a worker node').top;
      // Without a remote the node clones this repository itself, which has every commit.
      const found =
        queue.repository === repo
          ? undefined
          : git(['branch', '--remotes', '--contains', queue.commit], repo);
      known = !found || found.code !== 0 || found.stdout.trim() !== '';
      checked.set(key, known);
    }
    if (!known)
      warnings.push(
        `${meta.id} starts from commit ${queue.commit.slice(0, 7)}, which ${queue.repository} does not have as far as this clone knows; a node fetches the code from there: push it (git push origin HEAD)`,
      );
  }
  return warnings;
}

/**
 * For each task no live node can take: that it waits on the queue, what is missing and what the
 * nodes offer. Said once the tasks are queued (a node that offers it may start later).
 */
export async function unroutedWarnings(url: string, metas: readonly TaskMeta[]): Promise<string[]> {
  let nodes;
  try {
    nodes = await listNodes(url);
  } catch {
    // The tasks are queued: a queue that stopped answering just now leaves nothing to warn of.
    return [];
  }
  const warnings: string[] = [];
  for (const meta of metas) {
    const missing = missingOffer(routeOf(meta), nodes);
    if (missing !== undefined) warnings.push(`${meta.id} waits on the queue: ${missing}`);
  }
  return warnings;
}

/**
 * `dispatch run --queue URL`: the task folder is made here as for a local task, marked in
 * task.json with the queue, and its relay is started in place of a worker; the relay puts the
 * job on the queue. Redis is checked first, so an unreachable queue leaves no task behind.
 */
export async function dispatchToQueue(
  store: TaskStore,
  config: Config,
  request: DispatchRequest,
  url: string,
  run: QueueRun = newQueueRun(),
): Promise<DispatchResult> {
  if (!run.checked) {
    checkQueueUrl(url);
    const redis = connectRedis(url);
    try {
      await pingRedis(redis, url);
    } finally {
      redis.disconnect();
    }
    run.checked = true;
  }
  // A capability is the nodes' to resolve: the local config need not offer it.
  const { capability, ...local } = request;
  if (capability !== undefined && request.model !== undefined)
    throw new DispatchError('usage', '--capability and --model both choose the model', {
      hint: 'Give one of them: --model NAME for a fixed model, --capability NAME for any node that offers it.',
    });
  if (request.verify !== undefined)
    throw new DispatchError(
      'usage',
      'a task on a worker node is verified by its own alias, not --verify',
      {
        hint: "A node runs only command lines from its own config: give the alias `verify:` in the nodes' config.yaml and --iterate N here (docs/nodes.md, Verify and budgets).",
      },
    );
  const iterate = request.iterate ?? 0;
  if (!Number.isInteger(iterate) || iterate < 0 || iterate > MAX_ITERATE)
    throw new DispatchError(
      'usage',
      `--iterate takes a whole number from 0 to ${MAX_ITERATE}, got ${iterate}`,
    );
  const budget = queueBudget(request);
  // The verify command and the budget are the node's to apply: none of it runs or is judged here.
  const {
    iterate: _iterateOnNode,
    maxCostUsd: _costOnNode,
    maxTokens: _tokensOnNode,
    ...here
  } = local;
  const prepared = prepareDispatch(store, config, { ...here, worktree: false });
  // An alias's budget and verify command here are this machine's: the node's own alias decides.
  const { budget: _budgetNotHere, verify: _verifyNotHere, ...localMeta } = prepared.meta;
  let target = run.targets.get(prepared.meta.cwd);
  if (!target) {
    target = queueTarget(prepared.meta.cwd, url);
    run.targets.set(prepared.meta.cwd, target);
  }
  const meta = {
    ...localMeta,
    ...(capability !== undefined ? { capability } : {}),
    queue: {
      ...target,
      ...(iterate > 0 ? { iterate } : {}),
      ...(budget ? { budget } : {}),
    },
  };
  // The local scheduler starts the relay: `--after` and `max_parallel` hold as for a local task.
  return createAndStart(
    store,
    config,
    { ...prepared, meta, candidates: undefined },
    { schedule: !run.fanOut },
  );
}
