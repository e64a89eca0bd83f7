import type { Plan } from '../core/plan/plan-types.js';
import { writeFileAtomic } from '../runtime/fs/atomic-write.js';
import { markComplete } from '../runtime/ipc/worker-ipc-client.js';
import { say } from './log.js';
import { buildOutput } from './reports.js';
import type { SimState } from './sim-state.js';

/**
 * No pending item is left. All done: output.md, then ipc/.done (the completion marker comes last
 * so a reader that sees it finds the output). Errors: output.md but no .done, exit 1.
 */
export function finish(plan: Plan, state: SimState): number {
  const { prompt } = state;
  const errors = plan.items.filter((item) => item.marker === 'error');
  const blocked = plan.items.find((item) => item.marker === 'blocked');
  if (errors.length === 0 && blocked) {
    say(
      `item ${blocked.index + 1} is still blocked [?] and this prompt carries no answer; stopping without .done`,
    );
    return 0;
  }
  writeFileAtomic(prompt.output, buildOutput(plan, state.answers, state.notesSeen));
  if (errors.length > 0) {
    say(`${errors.length} item(s) marked [!]; wrote the output file, not ipc/.done`);
    return 1;
  }
  markComplete(prompt.ipc);
  say('done');
  return 0;
}
