import { changesText, costText, tokensText, verifyText } from '../../core/bestof/comparison.js';
import { overviewOrder } from '../../core/status/overview-order.js';
import { compareOperation } from '../../operations/compare-operation.js';
import { perform } from '../../operations/define-operation.js';
import { diffOperation } from '../../operations/diff-operation.js';
import { modelsOperation } from '../../operations/models-operation.js';
import type { OperationContext } from '../../operations/operation-context.js';
import { showTask } from '../../operations/show-operation.js';
import type { TaskFeed } from '../../operations/task-feed.js';
import { performAction, type TaskAction } from '../shared/task-actions.js';
import { taskDetailJson } from './feed-json.js';
import { HttpError } from './http-error.js';
import type { ResultsCache } from './results-cache.js';
import type { TaskJson } from './task-json.js';

export interface ApiContext {
  /** Where the tasks are; the dashboard acts as "dashboard". */
  ctx: OperationContext;
  feed: TaskFeed;
  json: TaskJson;
  results: ResultsCache;
}

/** How many log lines a task page shows. */
const LOG_LINES = 30;

/** A diff larger than this is cut (and says so): the page shows it as text. */
export const MAX_DIFF_CHARS = 512 * 1024;

/** The actions, and the fields of its operation's input each takes from the body. */
const ACTIONS: Record<string, readonly string[]> = {
  answer: ['text', 'seq'],
  note: ['text'],
  cancel: ['reason'],
  retry: ['model'],
  merge: ['force'],
  discard: ['yes'],
  pick: ['child', 'force', 'yes'],
};

export function listTasks(api: ApiContext) {
  return {
    project: api.ctx.project,
    tasks: overviewOrder(api.feed.tasks()).map((status) => api.json.of(status)),
  };
}

/**
 * One task for its page. What it produced is read again only when its status changed (for a
 * worktree task that runs git), not on every log line the page follows.
 */
export function getTask(api: ApiContext, id: string) {
  const known = api.feed.tasks().find((task) => task.id === id);
  const cached = known ? api.results.get(known) : undefined;
  const view = showTask(api.ctx, { id, logLines: LOG_LINES, results: cached === undefined });
  const results = cached ?? api.results.set(view.status, view.results ?? null);
  return taskDetailJson(view, (status) => api.json.of(status), results);
}

/** What a worktree task's branch and worktree hold, as `dispatch diff` shows it. */
export function getDiff(api: ApiContext, id: string) {
  const diff = perform(diffOperation, api.ctx, { id });
  return diff.then((result) => {
    const cut = (text: string) =>
      text.length > MAX_DIFF_CHARS
        ? `${text.slice(0, MAX_DIFF_CHARS)}\n… (cut: run \`dispatch diff ${id}\` for the rest)`
        : text;
    return { ...result, committed: cut(result.committed), uncommitted: cut(result.uncommitted) };
  });
}

/** The run's best-of group side by side, with each cell in the words of `dispatch compare`. */
export async function getComparison(api: ApiContext, id: string) {
  const result = await perform(compareOperation, api.ctx, { id });
  return {
    ...result,
    display: result.runs.map((run) => ({
      verify: verifyText(run),
      changes: changesText(run.changes),
      tokens: tokensText(run.tokens),
      cost: costText(run.costUsd),
    })),
  };
}

/** The configured models, for the retry form's choice. */
export function listModels(api: ApiContext) {
  return perform(modelsOperation, api.ctx, {});
}

/**
 * The POST actions, each through the same operation as its CLI command: the body is its input,
 * checked against the operation's declaration (a bad field is a 400 naming it). `pick` on a run's
 * page picks from that run's group.
 */
export async function postAction(
  api: ApiContext,
  id: string,
  action: string,
  body: Record<string, unknown>,
) {
  const fields = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (!fields)
    throw new HttpError(
      404,
      `no action "${action}"`,
      `Actions: ${Object.keys(ACTIONS).join(', ')}.`,
    );
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
    api.results.forget(id);
    api.feed.refresh(id);
  }
}
