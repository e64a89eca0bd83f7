import type { Plan } from '../../core/plan/plan-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { TaskResults, TaskView } from '../../operations/show-operation.js';
import type { FeedEvent } from '../../operations/task-feed.js';
import type { DashboardTask } from './task-json.js';

/** How a status becomes the page's JSON (see TaskJson). */
export type ToJson = (status: TaskStatus) => DashboardTask;

/** A FeedEvent as sent to the page: the same union, with each task in the page's JSON shape. */
export type FeedEventJson =
  | { kind: 'snapshot'; tasks: DashboardTask[] }
  | { kind: 'added' | 'question' | 'finished'; task: DashboardTask }
  | { kind: 'changed'; task: DashboardTask; previous: DashboardTask }
  | { kind: 'removed'; id: string };

export function feedEventJson(event: FeedEvent, json: ToJson): FeedEventJson {
  switch (event.kind) {
    case 'snapshot':
      return { kind: 'snapshot', tasks: event.tasks.map(json) };
    case 'changed':
      return { kind: 'changed', task: json(event.task), previous: json(event.previous) };
    case 'removed':
      return event;
    default:
      return { kind: event.kind, task: json(event.task) };
  }
}

function planJson(plan: Plan | undefined) {
  if (!plan) return null;
  return {
    title: plan.title ?? null,
    items: plan.items.map((item) => ({
      index: item.index,
      depth: item.depth,
      marker: item.marker,
      text: item.text,
      detail: item.detail ?? null,
    })),
  };
}

/** GET /api/tasks/:id as the page receives it. */
export type TaskDetailJson = ReturnType<typeof taskDetailJson>;

/**
 * GET /api/tasks/:id: status, the plan items with their markers, notes, question, log tail, and
 * what the task produced (summary, questions and answers, usage, worktree).
 */
export function taskDetailJson(detail: TaskView, json: ToJson, results: TaskResults | null) {
  return {
    ...json(detail.status),
    planFile: detail.planFile,
    plan: planJson(detail.plan),
    planProblem: detail.planProblem ?? null,
    notes: (detail.plan?.notes ?? []).map((note) => note.text),
    logTail: detail.logTail,
    results,
  };
}
