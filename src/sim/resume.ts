import { setItemMarker } from '../core/plan/edit-plan.js';
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
