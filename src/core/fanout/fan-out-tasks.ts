import type { Config } from '../config/config-types.js';
import { splitTasks, type SplitMode, type SplitResult } from './split-tasks.js';
import { readDirectives, type TaskDirectives } from './task-directives.js';

/** One task cut from a fanned-out plan file or request. */
export interface FanOutSpec {
  title: string;
  /** The task's own plan.md when its section has a checklist; otherwise the worker expands it. */
  planText: string | undefined;
  /** The request the worker gets as context: the shared text, plus the section when not a plan. */
  request: string;
  /** The text its directives were read from: the shared text first, then its own section. */
  text: string;
  directives: TaskDirectives;
  /** Line of the section's title in the source, from 1. */
  line: number;
}

export interface FanOutSource {
  text: string;
  /** Context given beside the text (the request words when a plan file is given too). */
  context?: string;
  mode?: SplitMode;
}

function joinParts(...parts: (string | undefined)[]): string {
  return parts
    .map((part) => part?.trim() ?? '')
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The tasks of a fan-out, each with its own plan, request and directives; undefined when the text
 * is one task (see split-tasks.ts for the rule). Directives are read from the shared text and then
 * the task's own section, so what a section says wins over what the introduction says.
 */
export function fanOutTasks(config: Config, source: FanOutSource): FanOutSpec[] | undefined {
  const split: SplitResult = splitTasks(source.text, source.mode ?? 'auto');
  if (split.kind === 'single') return undefined;
  const shared = joinParts(source.context, split.shared);
  return split.sections.map((section) => {
    const own = joinParts(section.title, section.body);
    const text = joinParts(shared, own);
    return {
      title: section.title,
      planText: section.hasChecklist ? section.text : undefined,
      request: section.hasChecklist ? shared : text,
      text,
      directives: readDirectives(config, text),
      line: section.line,
    };
  });
}
