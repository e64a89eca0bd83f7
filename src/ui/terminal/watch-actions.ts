import { isDispatchError } from '../../core/errors.js';
import type { OperationContext } from '../../operations/operation-context.js';
import { performAction as perform } from '../shared/task-actions.js';
import type { Effect } from './watch-keys.js';
import type { Message } from './watch-state.js';

type TaskEffect = Extract<Effect, { kind: 'answer' | 'note' | 'cancel' | 'retry' }>;

/** What the status line says while a slow action runs. */
export function busyText(effect: TaskEffect): string | undefined {
  if (effect.kind === 'cancel') return `Cancelling ${effect.id}…`;
  if (effect.kind === 'retry') return `Starting ${effect.id} again…`;
  return undefined;
}

/**
 * Runs a key's action through its operation and says how it went. A refusal (already answered,
 * finished task) is a message for the status line; anything else is a bug and propagates.
 */
export async function performAction(ctx: OperationContext, effect: TaskEffect): Promise<Message> {
  try {
    const action = effect.kind === 'answer' ? { ...effect, seq: effect.seq ?? undefined } : effect;
    return { text: (await perform(ctx, action)).message, tone: 'info' };
  } catch (error) {
    if (!isDispatchError(error)) throw error;
    return { text: error.hint ? `${error.message}. ${error.hint}` : error.message, tone: 'error' };
  }
}
