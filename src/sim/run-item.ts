import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { writeFileAtomic } from '../runtime/fs/atomic-write.js';
import { askUser } from './ask-user.js';
import type { Directive } from './directives.js';
import { expandedItemTexts, replaceItem } from './expand-items.js';
import { say } from './log.js';
import type { Outcome } from './outcome.js';
import { editItem, readPlanFile } from './plan-file.js';
import type { ItemRef } from './plan-file.js';
import type { SimState } from './sim-state.js';

/** Carries out one item's directive. Plan edits other than replacing an item are the caller's. */
export async function runItem(
  state: SimState,
  ref: ItemRef,
  step: string,
  directive: Directive,
): Promise<Outcome> {
  switch (directive.kind) {
    case 'ask':
    case 'ask-cli':
      return askUser(
        state,
        { ref, step, question: directive.question },
        directive.kind === 'ask-cli',
      );
    case 'fail':
      return { kind: 'error', reason: directive.reason };
    case 'invalid':
      return { kind: 'error', reason: directive.reason };
    case 'crash':
      say('crashing');
      return { kind: 'exit', code: directive.code };
    case 'hang':
      say('hanging');
      return hangForever();
    case 'sleep':
      await delay(directive.seconds * 1000);
      return { kind: 'done' };
    case 'write':
      return writeRelative(directive.path, directive.content);
    case 'write-fix':
      return writeRelative(directive.path, state.fixing ? directive.fixed : directive.first);
    case 'usage':
      reportUsage(state, directive.tokens, directive.costUsd);
      await delay(state.stepMs);
      return { kind: 'done' };
    case 'expand':
      return expand(state, ref, step);
    case 'work':
      await delay(state.stepMs);
      return { kind: 'done' };
  }
}

/**
 * Prints a step's usage the way opencode's `run --format json` does (a `step_finish` event), so
 * the log filter parses it with a real CLI's parser: three quarters as input tokens, the rest as
 * output. Without `--format json` there is no log filter to read it: it is only said.
 */
function reportUsage(state: SimState, tokens: number, costUsd: number | undefined): void {
  const cost = costUsd === undefined ? '' : `, ${costUsd} USD`;
  if (!state.jsonEvents) {
    say(`used ${tokens} tokens${cost} (reported only with --format json)`);
    return;
  }
  const output = Math.floor(tokens / 4);
  const event = {
    type: 'step_finish',
    timestamp: Date.now(),
    part: {
      type: 'step-finish',
      tokens: { input: tokens - output, output, reasoning: 0, cache: { read: 0, write: 0 } },
      ...(costUsd === undefined ? {} : { cost: costUsd }),
    },
  };
  process.stdout.write(`${JSON.stringify(event)}\n`);
  say(`used ${tokens} tokens${cost}`);
}

/** Until killed: the timer keeps the event loop alive, which an unresolved promise alone does not. */
function hangForever(): Promise<never> {
  return new Promise(() => setInterval(() => undefined, 2 ** 30));
}

function writeRelative(path: string, content: string): Outcome {
  const target = resolve(process.cwd(), path);
  try {
    mkdirSync(dirname(target), { recursive: true });
    // A project file keeps the modes the user's umask gives (task files are private instead).
    writeFileAtomic(target, `${content}\n`, { mode: 0o666 });
  } catch (error) {
    return { kind: 'error', reason: `could not write ${path}: ${(error as Error).message}` };
  }
  say(`wrote ${path}`);
  return { kind: 'done' };
}

function expand(state: SimState, ref: ItemRef, step: string): Outcome {
  const title = state.prompt.title ?? readPlanFile(state.prompt.plan).title ?? 'the task';
  const texts = expandedItemTexts(title);
  editItem(state.prompt.plan, ref, (plan, item) => replaceItem(plan, item.index, texts));
  say(`item ${step}: expanded into ${texts.length} items`);
  return { kind: 'replaced' };
}
