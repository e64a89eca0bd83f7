import type { UsageSummary } from '../../core/task/task-usage.js';

const number = new Intl.NumberFormat('en-US');

/** "12,400 in (2,000 cached), 380 out, $0.0153" — tokens and cost as the agent CLI reported them. */
export function usageText(usage: UsageSummary): string {
  const cached = usage.cacheReadTokens ? ` (${number.format(usage.cacheReadTokens)} cached)` : '';
  const parts = [
    `${number.format(usage.inputTokens)} tokens in${cached}`,
    `${number.format(usage.outputTokens)} out`,
  ];
  if (usage.costUsd !== undefined) parts.push(`$${usage.costUsd.toFixed(4)}`);
  if (usage.attempts > 1) parts.push(`over ${usage.attempts} attempts`);
  return parts.join(', ');
}
