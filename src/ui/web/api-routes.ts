import { DispatchError } from '../../core/errors.js';
import { statusJson } from '../../api/task-summary.js';
import type { TaskFeed } from '../../runtime/feed/task-feed.js';
import type { TaskStore } from '../../runtime/store/task-store.js';
import {
  answer,
  answeredMessage,
  cancel,
  note,
  retry,
  type ActionContext,
} from '../shared/task-actions.js';
import { readTaskDetail } from '../shared/task-detail.js';
import { overviewOrder } from '../../core/status/overview-order.js';
import { taskDetailJson } from './feed-json.js';
import { HttpError } from './http-error.js';
import { stringField } from './read-json-body.js';

export interface ApiContext {
  store: TaskStore;
  feed: TaskFeed;
  actions: ActionContext;
}

/** How many log lines a task page shows. */
const LOG_LINES = 30;

export function listTasks(ctx: ApiContext) {
  return {
    project: ctx.store.paths.project,
    tasks: overviewOrder(ctx.feed.tasks()).map(statusJson),
  };
}

export function getTask(ctx: ApiContext, id: string) {
  return taskDetailJson(readTaskDetail(ctx.store, id, LOG_LINES));
}

function seqField(body: Record<string, unknown>): number | undefined {
  const value = body.seq;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 999)
    throw new HttpError(400, '"seq" must be a question number from 1 to 999');
  return value;
}

function required(text: string, what: string): string {
  if (!text.trim())
    throw new DispatchError('usage', `the ${what} is empty`, { hint: `Type the ${what} first.` });
  return text;
}

/** The POST actions, each through the same runtime operation as its CLI command. */
export async function postAction(
  ctx: ApiContext,
  id: string,
  action: string,
  body: Record<string, unknown>,
) {
  ctx.store.require(id);
  try {
    switch (action) {
      case 'answer': {
        const text = required(stringField(body, 'text', true), 'answer');
        const result = answer(ctx.actions, id, text, seqField(body));
        return {
          ok: true,
          seq: result.seq ?? null,
          resumed: result.resumed,
          message: answeredMessage(id, result),
          task: statusJson(result.status),
        };
      }
      case 'note': {
        note(ctx.actions, id, required(stringField(body, 'text', true), 'note'));
        return { ok: true, message: `Added a note to ${id}'s plan.` };
      }
      case 'cancel': {
        const result = await cancel(
          ctx.actions,
          id,
          stringField(body, 'reason', false) || undefined,
        );
        return {
          ok: true,
          killed: result.killed,
          message: `Cancelled ${id}.`,
          task: statusJson(result.status),
        };
      }
      case 'retry': {
        const model = stringField(body, 'model', false)?.trim() || undefined;
        const result = await retry(ctx.actions, id, model);
        return {
          ok: true,
          attempt: result.attempt,
          model: result.model,
          message: `Retrying ${id} (attempt ${result.attempt}) with ${result.model}.`,
          task: statusJson(result.status),
        };
      }
      default:
        throw new HttpError(404, `no action "${action}"`, 'Actions: answer, note, cancel, retry.');
    }
  } finally {
    // The page hears about the change at once, without waiting for the file event.
    ctx.feed.refresh(id);
  }
}
