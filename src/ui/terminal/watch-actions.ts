import { isDispatchError } from '../../core/errors.js';
import {
  answer,
  answeredMessage,
  cancel,
  note,
  retry,
  type ActionContext,
} from '../shared/task-actions.js';
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
 * Runs a key's action through the runtime and says how it went. A refusal (already answered,
 * finished task) is a message for the status line; anything else is a bug and propagates.
 */
export async function performAction(ctx: ActionContext, effect: TaskEffect): Promise<Message> {
  try {
    switch (effect.kind) {
      case 'answer':
        return {
          text: answeredMessage(effect.id, answer(ctx, effect.id, effect.text, effect.seq)),
          tone: 'info',
        };
      case 'note':
        note(ctx, effect.id, effect.text);
        return { text: `Added a note to ${effect.id}'s plan.`, tone: 'info' };
      case 'cancel': {
        const result = await cancel(ctx, effect.id);
        return {
          text: `Cancelled ${effect.id}${result.killed ? ' (the worker ignored SIGTERM and was killed)' : ''}.`,
          tone: 'info',
        };
      }
      case 'retry': {
        const result = await retry(ctx, effect.id);
        return {
          text: `Retrying ${effect.id} (attempt ${result.attempt}) with ${result.model}.`,
          tone: 'info',
        };
      }
    }
  } catch (error) {
    if (!isDispatchError(error)) throw error;
    return { text: error.hint ? `${error.message}. ${error.hint}` : error.message, tone: 'error' };
  }
}
