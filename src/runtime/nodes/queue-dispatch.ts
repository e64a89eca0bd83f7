import type { Config } from '../../core/config/config-types.js';
import type { QueueInfo } from '../../core/task/task-meta.js';
import { DispatchError } from '../../core/errors.js';
import type { TaskStore } from '../store/task-store.js';
import { createAndStart, type DispatchResult } from '../tasks/dispatch-task.js';
import { prepareDispatch, type DispatchRequest } from '../tasks/prepare-dispatch.js';
import { git } from '../worktree/git.js';
import { repositoryOf } from '../worktree/repository.js';
import { checkQueueUrl, redactQueueUrl } from './queue-url.js';
import { connectRedis, pingRedis } from './redis-connection.js';

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
 * `dispatch run --queue URL`: the task folder is made here as for a local task, marked in
 * task.json with the queue, and its relay is started in place of a worker; the relay puts the
 * job on the queue. Redis is checked first, so an unreachable queue leaves no task behind.
 */
export async function dispatchToQueue(
  store: TaskStore,
  config: Config,
  request: DispatchRequest,
  url: string,
): Promise<DispatchResult> {
  checkQueueUrl(url);
  const redis = connectRedis(url);
  try {
    await pingRedis(redis, url);
  } finally {
    redis.disconnect();
  }
  // A capability is the nodes' to resolve: the local config need not offer it.
  const { capability, ...local } = request;
  if (capability !== undefined && request.model !== undefined)
    throw new DispatchError('usage', '--capability and --model both choose the model', {
      hint: 'Give one of them: --model NAME for a fixed model, --capability NAME for any node that offers it.',
    });
  if (request.verify !== undefined || (request.iterate ?? 0) > 0)
    throw new DispatchError('usage', 'a task on a worker node cannot be verified yet', {
      hint: 'The verify command runs where the work is; run the task here (--no-queue) to verify it.',
    });
  if (request.maxCostUsd !== undefined || request.maxTokens !== undefined)
    throw new DispatchError('usage', 'a budget cannot be enforced on a worker node yet', {
      hint: 'The worker runs on the node, out of reach of this supervisor; run the task here (--no-queue) to give it a budget.',
    });
  const prepared = prepareDispatch(store, config, { ...local, worktree: false });
  // An alias's budget could not be enforced on the node either: left out, as its verify is.
  const { budget: _budgetNotOnNodes, ...withoutBudget } = prepared.meta;
  prepared.meta = withoutBudget;
  // An alias's verify command would run here, not on the node that has the work: left out.
  const { verify: _notOnNodes, ...localMeta } = prepared.meta;
  const meta = {
    ...localMeta,
    ...(capability !== undefined ? { capability } : {}),
    queue: queueTarget(prepared.meta.cwd, url),
  };
  // The local scheduler starts the relay: `--after` and `max_parallel` hold as for a local task.
  return createAndStart(store, config, { ...prepared, meta, candidates: undefined });
}
