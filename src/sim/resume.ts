import { setItemMarker } from '../core/plan/edit-plan.js';
import { parseDirective } from './directives.js';
import { runItem } from './run-item.js';
import { say } from './log.js';
import { editItem, readPlanFile, refOf, withoutDetail } from './plan-file.js';
import type { SimState } from './sim-state.js';

/**
 * A resumed task carries the user's answer to the question that blocked the earlier worker.
 * The answer settles that item, so it becomes `[x]` (its question line removed) rather than
 * `[ ]`, which would only make the simulation ask the same question again.
 */
export function applyResumeAnswer(
  state: SimState,
  answer: string,
  question: string | undefined,
): void {
  const path = state.prompt.plan;
  const blocked = readPlanFile(path).items.find((item) => item.marker === 'blocked');
  if (blocked) {
    editItem(path, refOf(blocked), (plan, item) =>
      setItemMarker(withoutDetail(plan, item.index), item.index, 'done'),
    );
    say(`resumed: item ${blocked.index + 1} "${blocked.text}" answered: ${answer}`);
  } else {
    say(`resumed with an answer but no [?] item in the plan; keeping the answer: ${answer}`);
  }
  const asked = question ?? blocked?.detail ?? blocked?.text ?? '(unknown question)';
  state.answers.push({ seq: undefined, question: asked, answer });
}

/**
 * Sent back by a failed verify command: the worker reads the output and fixes its work. Every
 * `write-fix:` item, done or not, writes its fixed content now (the rest of the plan stays).
 */
export async function applyVerifyFeedback(state: SimState, output: string): Promise<void> {
  const lines = output.trim().split('\n');
  say(`verify failed; its output ends: ${lines[lines.length - 1] ?? ''}`);
  state.fixing = true;
  for (const item of readPlanFile(state.prompt.plan).items) {
    const directive = parseDirective(item.text);
    if (directive.kind !== 'write-fix') continue;
    say(`fixing item ${item.index + 1}: ${item.text}`);
    await runItem(state, refOf(item), String(item.index + 1), directive);
  }
}
