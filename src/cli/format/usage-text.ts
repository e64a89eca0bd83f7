import type { UsageSummary } from '../../core/task/task-usage.js';

// Created on first use: setting up number formatting costs tens of milliseconds at start-up.
let numberFormat: Intl.NumberFormat | undefined;
const number = {
  format: (value: number) => (numberFormat ??= new Intl.NumberFormat('en-US')).format(value),
};

/**
 * "12,400 in (2,000 cached), 380 out, $0.0153" — tokens and cost as the agent CLI reported them.
 * A CLI that reports no price gets "cost unknown", never a made-up $0.
 */
export function usageText(usage: UsageSummary): string {
  const cached = usage.cacheReadTokens ? ` (${number.format(usage.cacheReadTokens)} cached)` : '';
  const parts = [
    `${number.format(usage.inputTokens)} tokens in${cached}`,
    `${number.format(usage.outputTokens)} out`,
  ];
  parts.push(usage.costUsd !== undefined ? `$${usage.costUsd.toFixed(4)}` : 'cost unknown');
  if (usage.attempts > 1) parts.push(`over ${usage.attempts} attempts`);
  return parts.join(', ');
}
