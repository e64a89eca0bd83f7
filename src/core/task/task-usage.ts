import type { RunningUsage } from '../budget/budget.js';
import type { TaskEvent, TokenUsage } from './task-events.js';

export interface UsageSummary extends TokenUsage {
  /** Attempts that reported usage. */
  attempts: number;
}

/**
 * The tokens and cost of every attempt of a task added up, from its `usage` events; undefined
 * when no attempt reported any (a CLI without usage output, or the simulated worker). A field
 * is present only if some attempt reported it, and the cost only if every attempt that used
 * tokens reported one: a part without a price makes the whole cost unknown, never $0. `running` (the task's usage.json) counts for an
 * attempt that has no usage event yet: the worker still runs, or was killed before recording it.
 */
export function summarizeUsage(
  events: readonly TaskEvent[],
  running?: RunningUsage,
): UsageSummary | undefined {
  let summary: UsageSummary | undefined;
  let unpriced = false;
  const reported = new Set<number>();
  for (const event of events) if (event.type === 'usage') reported.add(event.attempt);
  const all: readonly (TaskEvent | (RunningUsage & { type: 'usage' }))[] =
    running && !reported.has(running.attempt) ? [...events, { ...running, type: 'usage' }] : events;
  for (const event of all) {
    if (event.type !== 'usage') continue;
    summary ??= { inputTokens: 0, outputTokens: 0, attempts: 0 };
    summary.attempts++;
    summary.inputTokens += finite(event.inputTokens);
    summary.outputTokens += finite(event.outputTokens);
    const used = finite(event.inputTokens) + finite(event.outputTokens) > 0;
    if (used && !(typeof event.costUsd === 'number' && Number.isFinite(event.costUsd)))
      unpriced = true;
    for (const key of ['cacheReadTokens', 'cacheWriteTokens', 'costUsd'] as const) {
      const value = event[key];
      if (typeof value === 'number' && Number.isFinite(value))
        summary[key] = (summary[key] ?? 0) + value;
    }
  }
  if (summary && unpriced) delete summary.costUsd;
  return summary;
}

/** A count from a file written by another process: anything but a finite number counts as 0. */
function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
