import { markerChar } from '../core/plan/markers.js';
import type { Plan } from '../core/plan/plan-types.js';
import type { ReceivedAnswer } from './sim-state.js';

/**
 * The texts the worker leaves behind: output.md at the end and context.md at the fallback. Both
 * say they come from the simulation, so nobody mistakes them for a model's work.
 */
function itemLines(plan: Plan): string[] {
  return plan.items.map((item) => {
    const pad = '  '.repeat(item.depth);
    const detail = item.detail ? ` — ${item.detail.replace(/\n/g, ' ')}` : '';
    return `${pad}- [${markerChar(item.marker)}] ${item.text}${detail}`;
  });
}

/** Keeps a multi-line question or answer inside its list item. */
function indentRest(text: string): string {
  return text.replace(/\r?\n/g, '\n  ');
}

function answerLines(answers: ReceivedAnswer[]): string[] {
  if (answers.length === 0) return ['(no questions were asked)'];
  return answers.map((a) =>
    indentRest(`- ${a.seq ? `${a.seq}: ` : ''}${a.question} → ${a.answer}`),
  );
}

function noteLines(notes: Iterable<string>): string[] {
  const list = [...notes];
  return list.length === 0 ? ['(none)'] : list.map((note) => `- ${note.replace(/\n/g, ' ')}`);
}

export function buildOutput(
  plan: Plan,
  answers: ReceivedAnswer[],
  notes: Iterable<string>,
): string {
  const done = plan.items.filter((item) => item.marker === 'done').length;
  return [
    `# ${plan.title ?? 'Task'} — summary`,
    '',
    'Written by the agent-dispatch simulated worker (not an AI model).',
    '',
    `${done} of ${plan.items.length} items done.`,
    '',
    '## Items',
    '',
    ...itemLines(plan),
    '',
    '## Answers received',
    '',
    ...answerLines(answers),
    '',
    '## Notes from the dispatcher',
    '',
    ...noteLines(notes),
    '',
  ].join('\n');
}

export interface Waiting {
  /** "2/5": the item's position. */
  step: string;
  itemText: string;
  question: string;
  seq: string | undefined;
  waitedSeconds: number;
}

export function buildContext(plan: Plan, answers: ReceivedAnswer[], waiting: Waiting): string {
  const asked = waiting.seq ? ` (IPC ${waiting.seq}.question)` : '';
  return [
    `# ${plan.title ?? 'Task'} — context for the next worker`,
    '',
    'Written by the agent-dispatch simulated worker (not an AI model).',
    '',
    '## Waiting on',
    '',
    `Item ${waiting.step}: ${waiting.itemText}`,
    `Question${asked}: ${waiting.question}`,
    `No answer came within ${waiting.waitedSeconds} seconds, so this worker stopped.`,
    '',
    '## Plan state when it stopped',
    '',
    ...itemLines(plan),
    '',
    '## Answers received so far',
    '',
    ...answerLines(answers),
    '',
    '## Next',
    '',
    'Continue with the answer to the question above, then with the remaining "[ ]" items.',
    '',
  ].join('\n');
}
