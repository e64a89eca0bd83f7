import { overviewOrder } from '../../core/status/overview-order.js';
import type { OperationContext } from '../../operations/operation-context.js';
import { showTask } from '../../operations/show-operation.js';
import type { TaskFeed } from '../../operations/task-feed.js';
import { statusJson } from '../../operations/task-summary.js';
import { performAction, type TaskAction } from '../shared/task-actions.js';
import { taskDetailJson } from './feed-json.js';
import { HttpError } from './http-error.js';

export interface ApiContext {
  /** Where the tasks are; the dashboard acts as "dashboard". */
  ctx: OperationContext;
  feed: TaskFeed;
}

/** How many log lines a task page shows. */
const LOG_LINES = 30;

/** The actions, and the fields of its operation's input each takes from the body. */
const ACTIONS: Record<string, readonly string[]> = {
  answer: ['text', 'seq'],
  note: ['text'],
  cancel: ['reason'],
  retry: ['model'],
};

export function listTasks(api: ApiContext) {
  return {
    project: api.ctx.project,
    tasks: overviewOrder(api.feed.tasks()).map(statusJson),
  };
}

export function getTask(api: ApiContext, id: string) {
  return taskDetailJson(showTask(api.ctx, { id, logLines: LOG_LINES }));
}

/**
 * The POST actions, each through the same operation as its CLI command: the body is its input,
 * checked against the operation's declaration (a bad field is a 400 naming it).
 */
export async function postAction(
  api: ApiContext,
  id: string,
  action: string,
  body: Record<string, unknown>,
) {
  const fields = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (!fields)
    throw new HttpError(404, `no action "${action}"`, 'Actions: answer, note, cancel, retry.');
  api.ctx.requireTask(id);
  // Only what the page may ask for: a retry from here never changes the config's default.
  const input = Object.fromEntries(fields.filter((f) => f in body).map((f) => [f, body[f]]));
  try {
    const { message, result } = await performAction(api.ctx, {
      ...input,
      kind: action,
      id,
    } as TaskAction);
    return { ok: true, ...result, message };
  } finally {
    // The page hears about the change at once, without waiting for the file event.
    api.feed.refresh(id);
  }
}
