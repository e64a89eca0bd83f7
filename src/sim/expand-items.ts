import { ITEM_PATTERN, lineContent, parsePlan } from '../core/plan/parse-plan.js';
import type { Plan } from '../core/plan/plan-types.js';

/**
 * What the simulation does with the "Expand this plan" item: a real model would invent items
 * for the task; the simulation derives three fixed ones from the title so runs are repeatable.
 */
export function expandedItemTexts(title: string): string[] {
  return [`Read the request: ${title}`, `Do the work: ${title}`, 'Write the summary to output.md'];
}

/** Replaces the item (and any detail under it) with pending items at the same indentation. */
export function replaceItem(plan: Plan, index: number, texts: string[]): Plan {
  const item = plan.items[index];
  if (!item) throw new RangeError(`plan has no item ${index}`);
  const original = plan.lines[item.line] ?? '';
  const match = ITEM_PATTERN.exec(lineContent(original));
  const prefix = `${match?.[1] ?? ''}${match?.[2] ?? '-'}`;
  const eol = original.endsWith('\r\n') ? '\r\n' : '\n';
  const lines = [...plan.lines];
  const replacement = texts.map((text) => `${prefix} [ ] ${text}${eol}`);
  lines.splice(item.line, 1 + item.detailLineCount, ...replacement);
  return parsePlan(lines.join(''));
}
