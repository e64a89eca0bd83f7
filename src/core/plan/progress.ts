import type { Plan, Progress } from './plan-types.js';

export function planProgress(plan: Plan): Progress {
  const progress: Progress = {
    done: 0,
    total: plan.items.length,
    blocked: [],
    errors: [],
    current: undefined,
  };
  for (const item of plan.items) {
    if (item.marker === 'done') {
      progress.done++;
      continue;
    }
    progress.current ??= item;
    if (item.marker === 'blocked') {
      progress.blocked.push({
        index: item.index,
        text: item.text,
        question: item.detail ?? item.text,
      });
    } else if (item.marker === 'error') {
      progress.errors.push({
        index: item.index,
        text: item.text,
        description: item.detail ?? item.text,
      });
    }
  }
  return progress;
}

export function isPlanComplete(plan: Plan): boolean {
  return plan.items.length > 0 && plan.items.every((item) => item.marker === 'done');
}
