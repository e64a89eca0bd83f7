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
    case 'expand':
      return expand(state, ref, step);
    case 'work':
      await delay(state.stepMs);
      return { kind: 'done' };
  }
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
