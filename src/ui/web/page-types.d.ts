/**
 * The shapes the dashboard's page scripts (assets/*.js, type-checked with JSDoc) receive from
 * the server: they are the server's own types, so a change on either side fails the typecheck.
 */
import type { DiffResult } from '../../operations/diff-operation.js';
import type { getComparison } from './api-routes.js';
import type { ModelsResult } from '../../operations/models-operation.js';
import type { FeedEventJson, TaskDetailJson } from './feed-json.js';
import type { DashboardTask } from './task-json.js';

export type Task = DashboardTask;
export type Diff = DiffResult;
/** A best-of group's runs side by side, with each cell as `dispatch compare` words it. */
export type Comparison = Awaited<ReturnType<typeof getComparison>>;
export type Models = ModelsResult;
export type TaskPageDetail = TaskDetailJson;
export type FeedMessage = FeedEventJson;

/** What each page (the task list, one task) does with the live feed. */
export interface PageView {
  render(tasks: Task[]): void;
  onTaskEvent(event: FeedMessage): void;
  /** A worker wrote output; `id` is its task. */
  onOutput?(id: string): void;
}
