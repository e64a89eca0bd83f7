import type { Config } from '../config/config-types.js';
import { mentionedModels } from '../config/resolve-model.js';
import type { Priority } from '../task/task-meta.js';
import { priorityDirective } from './priority-directive.js';

/**
 * What a task's own text asks for: the model (the configured model or alias named last, the same
 * rule as `resolveModel`), whether it runs in a git worktree, and its priority. Read
 * deterministically from the words, never guessed: "Fix the worktree cleanup" is about worktrees,
 * not a request for one.
 */
export interface TaskDirectives {
  model: string | undefined;
  /** true: run in a worktree; false: explicitly not; undefined: not mentioned. */
  worktree: boolean | undefined;
  /** A priority asked for in so many words ("(high priority)", "Priority: low"). */
  priority: Priority | undefined;
}

const QUALIFIER = String.raw`(?:(?:a|an|its|their|own|separate|isolated|new|dedicated|fresh|git)\s+){0,3}`;
/** "in a worktree", "use a worktree", "in its own git worktree", "using separate worktrees". */
const ASK_PHRASE = new RegExp(
  String.raw`\b(?:in|use|using|with|inside|on)\s+${QUALIFIER}worktrees?\b`,
  'gi',
);
/** "without a worktree", "no worktree". */
const REFUSE_PHRASE = new RegExp(String.raw`\b(?:without|no)\s+${QUALIFIER}worktrees?\b`, 'gi');
/** "worktree" standing alone as a fragment: "opus, worktree", "(worktree)", a line of its own. */
const BARE_WORD =
  /(?:^|[,;:(\u2013\u2014]|[.!?](?=\s))[ \t]*((?:git[ \t]+)?worktree)[ \t]*(?=$|[,;:).!?])/gim;
/** Words that turn a following ask phrase around: "not in a worktree", "don't use a worktree". */
const NEGATION_BEFORE = /\b(?:not|never|don't|dont|no need to)\s+(?:\w+\s+){0,2}$/i;

interface Mention {
  index: number;
  wanted: boolean;
}

function mentions(text: string): Mention[] {
  const found: Mention[] = [];
  for (const match of text.matchAll(ASK_PHRASE)) {
    const before = text.slice(Math.max(0, match.index - 24), match.index);
    found.push({ index: match.index, wanted: !NEGATION_BEFORE.test(before) });
  }
  for (const match of text.matchAll(REFUSE_PHRASE))
    found.push({ index: match.index, wanted: false });
  for (const match of text.matchAll(BARE_WORD)) {
    const word = match[1] ?? '';
    found.push({ index: match.index + match[0].indexOf(word), wanted: true });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Whether the text asks for a worktree; the last mention wins, as for models. */
export function worktreeDirective(text: string): boolean | undefined {
  const all = mentions(text);
  return all.length > 0 ? all[all.length - 1]?.wanted : undefined;
}

export function readDirectives(config: Config, text: string): TaskDirectives {
  const models = mentionedModels(config, text);
  return {
    model: models[models.length - 1]?.name,
    worktree: worktreeDirective(text),
    priority: priorityDirective(text),
  };
}
