import type { RunningUsage } from '../../core/budget/budget.js';
import type { TokenUsage } from '../../core/task/task-events.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readTextFile } from '../store/read-text.js';

const MAX_USAGE_BYTES = 4096;

/** Writes the running attempt's usage to usage.json (atomically, private). */
export function writeRunningUsage(path: string, attempt: number, usage: TokenUsage): void {
  const record: RunningUsage = { attempt, time: new Date().toISOString(), ...usage };
  writeFileAtomic(path, `${JSON.stringify(record)}\n`);
}

/**
 * The usage.json of a task, if it holds a usage record. The worker's process writes it, so
 * anything else (missing, a link, torn, not numbers) counts as nothing reported.
 */
export function readRunningUsage(path: string): RunningUsage | undefined {
  const read = readTextFile(path, MAX_USAGE_BYTES);
  if (!read.ok) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const numbers = ['attempt', 'inputTokens', 'outputTokens'] as const;
  if (!numbers.every((key) => isCount(record[key])) || typeof record.time !== 'string')
    return undefined;
  const usage: RunningUsage = {
    attempt: record.attempt as number,
    time: record.time,
    inputTokens: record.inputTokens as number,
    outputTokens: record.outputTokens as number,
  };
  for (const key of ['cacheReadTokens', 'cacheWriteTokens', 'costUsd'] as const)
    if (isCount(record[key])) usage[key] = record[key];
  return usage;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
