import type { Plan } from '../../core/plan/plan-types.js';
import type { TaskView } from '../../operations/show-operation.js';
import type { FeedEvent } from '../../operations/task-feed.js';
import { statusJson, type TaskSummary } from '../../operations/task-summary.js';

/** A FeedEvent as sent to the page: the same union, with each task in the stable JSON shape. */
export type FeedEventJson =
  | { kind: 'snapshot'; tasks: TaskSummary[] }
  | { kind: 'added' | 'question' | 'finished'; task: TaskSummary }
  | { kind: 'changed'; task: TaskSummary; previous: TaskSummary }
  | { kind: 'removed'; id: string };

export function feedEventJson(event: FeedEvent): FeedEventJson {
  switch (event.kind) {
    case 'snapshot':
      return { kind: 'snapshot', tasks: event.tasks.map(statusJson) };
    case 'changed':
      return {
        kind: 'changed',
        task: statusJson(event.task),
        previous: statusJson(event.previous),
      };
    case 'removed':
      return event;
    default:
      return { kind: event.kind, task: statusJson(event.task) };
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

/** GET /api/tasks/:id: status, the plan items with their markers, notes, question, log tail. */
export function taskDetailJson(detail: TaskView) {
  return {
    ...statusJson(detail.status),
    planFile: detail.planFile,
    plan: planJson(detail.plan),
    planProblem: detail.planProblem ?? null,
    notes: (detail.plan?.notes ?? []).map((note) => note.text),
    logTail: detail.logTail,
  };
}
