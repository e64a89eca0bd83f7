import type { Config } from '../../core/config/config-types.js';
import type { QueueInfo } from '../../core/task/task-meta.js';
import { launchWorker } from '../spawn/launch-worker.js';
import type { TaskStore } from '../store/task-store.js';
import { createTaskFolder } from '../tasks/create-task.js';
import type { DispatchResult } from '../tasks/dispatch-task.js';
import { displayArgv } from '../tasks/model-fields.js';
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
  const prepared = prepareDispatch(store, config, { ...request, worktree: false });
  const queue = queueTarget(prepared.meta.cwd, url);
  const meta = { ...prepared.meta, queue };
  const created = createTaskFolder(store, {
    id: prepared.request.id,
    title: prepared.title,
    planText: prepared.planText,
    fallbackMinutes: config.fallbackMinutes,
    meta,
    argvFor: (placeholder) => displayArgv(meta, placeholder),
  });
  launchWorker(store, created, 1);
  return {
    meta: store.meta(created.id) ?? created,
    plan: prepared.plan,
    choice: prepared.choice,
    status: store.status(created.id),
    worktreeVia: undefined,
    candidates: undefined,
  };
}
