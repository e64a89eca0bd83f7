import { TaskFeed } from '../runtime/feed/task-feed.js';
import type { OperationContext } from './operation-context.js';

export type { FeedEvent, FeedEventKind } from '../runtime/feed/feed-events.js';
export type { TaskFeed } from '../runtime/feed/task-feed.js';

/**
 * The live feed the views read (one file watcher for all tasks): a `snapshot` first, then
 * `added`, `changed`, `question`, `finished` and `removed` events, and `output` when a worker
 * writes. Unknown or malformed ids fail here, before anything is watched. Call `start()`.
 */
export function openTaskFeed(ctx: OperationContext, ids?: readonly string[]): TaskFeed {
  const wanted = ids && ids.length > 0 ? ids : undefined;
  for (const id of wanted ?? []) ctx.store.require(id);
  return new TaskFeed(ctx.store, wanted ? { ids: wanted } : {});
}
