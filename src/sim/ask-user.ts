import { formatSeq } from '../core/ipc/ipc-protocol.js';
import { setItemMarker } from '../core/plan/edit-plan.js';
import { writeFileAtomic } from '../runtime/fs/atomic-write.js';
import { runDispatchAsk } from './dispatch-ask.js';
import { acknowledge, postQuestion, waitForAnswer } from '../runtime/ipc/worker-ipc-client.js';
import { say } from './log.js';
import type { Outcome } from './outcome.js';
import { findItem, markItem, readPlanFile } from './plan-file.js';
import type { ItemRef } from './plan-file.js';
import { buildContext } from './reports.js';
import type { SimState } from './sim-state.js';

/** The item being asked about, so the fallback can mark it. */
export interface Asking {
  ref: ItemRef;
  step: string;
  question: string;
}

/**
 * Asking the user, the way the prompt says: through the IPC files, or through `dispatch ask`
 * when the prompt offers it and the item says `ask-cli:`. No answer in time means the fallback.
 */
export async function askUser(state: SimState, asking: Asking, viaCli: boolean): Promise<Outcome> {
  if (!viaCli) return askThroughFiles(state, asking);
  if (state.prompt.dispatchAsk.length === 0) {
    say(`item ${asking.step}: the prompt offers no \`dispatch ask\`; using the IPC files`);
    return askThroughFiles(state, asking);
  }
  return askThroughCli(state, asking);
}

async function askThroughFiles(state: SimState, asking: Asking): Promise<Outcome> {
  const { ipc, fallbackSeconds } = state.prompt;
  const seq = postQuestion(ipc, asking.question);
  const nnn = formatSeq(seq);
  say(`asked ${nnn} (waiting up to ${fallbackSeconds} s): ${asking.question}`);
  const answer = (await waitForAnswer(ipc, seq, fallbackSeconds * 1000))?.trim();
  if (answer === undefined) return fallBack(state, asking, nnn);
  acknowledge(ipc, seq);
  say(`answer to ${nnn}: ${answer}`);
  state.answers.push({ seq: nnn, question: asking.question, answer });
  return { kind: 'done' };
}

async function askThroughCli(state: SimState, asking: Asking): Promise<Outcome> {
  const { askAgainCode } = state.prompt;
  // Like an agent whose shell cannot find `dispatch`: the full path the prompt gives comes next.
  for (const command of state.prompt.dispatchAsk) {
    say(`item ${asking.step}: running \`${command} ask\`: ${asking.question}`);
    let result = await runDispatchAsk(command, asking.question, state.signal);
    // The prompt says: that status means no answer yet, run the same command again.
    while (
      result.kind === 'no-answer' &&
      askAgainCode !== undefined &&
      result.code === askAgainCode
    ) {
      say(`dispatch ask: ${result.stderr || 'no answer yet'}; asking again`);
      result = await runDispatchAsk(command, asking.question, state.signal);
    }
    switch (result.kind) {
      case 'answered':
        say(`answer from dispatch ask: ${result.answer}`);
        state.answers.push({ seq: undefined, question: asking.question, answer: result.answer });
        return { kind: 'done' };
      case 'no-answer':
        say(
          `dispatch ask exited with code ${result.code ?? 'none'}: ${result.stderr || 'no answer'}`,
        );
        return fallBack(state, asking, undefined);
      case 'unavailable':
        say(`\`${command}\` could not be started (${result.error})`);
    }
  }
  say('no `dispatch` command could be started; using the IPC files');
  return askThroughFiles(state, asking);
}

/** The prompt's step 5: context file first, then the `[?]` marker, then stop. */
function fallBack(state: SimState, asking: Asking, seq: string | undefined): Outcome {
  const { prompt } = state;
  const plan = readPlanFile(prompt.plan);
  const item = findItem(plan, asking.ref);
  // The context shows the plan as it will be once the item is blocked.
  const view = item ? setItemMarker(plan, item.index, 'blocked', asking.question) : plan;
  const waiting = {
    ...asking,
    itemText: asking.ref.text,
    seq,
    waitedSeconds: prompt.fallbackSeconds,
  };
  writeFileAtomic(prompt.context, buildContext(view, state.answers, waiting));
  markItem(prompt.plan, asking.ref, 'blocked', asking.question);
  say(
    `no answer within ${prompt.fallbackSeconds} s: wrote the context file, marked item ${asking.step} [?]; stopping`,
  );
  return { kind: 'stopped' };
}
