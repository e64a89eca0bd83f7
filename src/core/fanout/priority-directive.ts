import type { Priority } from '../task/task-meta.js';

/**
 * A priority asked for as a fragment of its own: "(high priority)", "opus, low priority",
 * "Priority: high", a line "high-priority". Only as a fragment, so a task about "the high
 * priority bug" or "low priority warnings" is not queued differently because of its subject.
 */
const PRIORITY_FRAGMENT =
  /(?:^|[,;:(\u2013\u2014]|[.!?](?=\s))[ \t]*(?:(high|normal|low)[ \t-]+priority|priority[ \t]*[:=]?[ \t]*(high|normal|low))[ \t]*(?=$|[,;:).!?])/gim;

/** The priority the text asks for; the last mention wins, as for models and worktrees. */
export function priorityDirective(text: string): Priority | undefined {
  let found: Priority | undefined;
  for (const match of text.matchAll(PRIORITY_FRAGMENT))
    found = (match[1] ?? match[2])?.toLowerCase() as Priority;
  return found;
}
