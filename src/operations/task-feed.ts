import { TaskFeed } from '../runtime/feed/task-feed.js';
import type { OperationContext } from './operation-context.js';

export type { FeedEvent, FeedEventKind } from '../runtime/feed/feed-events.js';
export type { TaskFeed } from '../runtime/feed/task-feed.js';

/**
 * The live feed the views read (one file watcher for all tasks): a `snapshot` first, then
 * `added`, `changed`, `question`, `finished` and `removed` events, and `output` when a worker
 * writes. Unknown, ambiguous or malformed ids fail here, before anything is watched. Call `start()`.
 */
export function openTaskFeed(ctx: OperationContext, ids?: readonly string[]): TaskFeed {
  // Resolved as `perform` resolves task fields: a unique start of an id names the task.
  const wanted = ids && ids.length > 0 ? ids.map((id) => ctx.resolveTaskId(id)) : undefined;
  return new TaskFeed(ctx.store, wanted ? { ids: wanted } : {});
}
