import type { TaskEvent, TokenUsage } from './task-events.js';

export interface UsageSummary extends TokenUsage {
  /** Attempts that reported usage. */
  attempts: number;
}

/**
 * The tokens and cost of every attempt of a task added up, from its `usage` events; undefined
 * when no attempt reported any (a CLI without usage output, or the simulated worker). A field
 * is present only if some attempt reported it.
 */
export function summarizeUsage(events: readonly TaskEvent[]): UsageSummary | undefined {
  let summary: UsageSummary | undefined;
  for (const event of events) {
    if (event.type !== 'usage') continue;
    summary ??= { inputTokens: 0, outputTokens: 0, attempts: 0 };
    summary.attempts++;
    summary.inputTokens += finite(event.inputTokens);
    summary.outputTokens += finite(event.outputTokens);
    for (const key of ['cacheReadTokens', 'cacheWriteTokens', 'costUsd'] as const) {
      const value = event[key];
      if (typeof value === 'number' && Number.isFinite(value))
        summary[key] = (summary[key] ?? 0) + value;
    }
  }
  return summary;
}

/** A count from a file written by another process: anything but a finite number counts as 0. */
function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
