import { answerOperation } from '../../operations/answer-operation.js';
import { cancelOperation } from '../../operations/cancel-operation.js';
import { perform } from '../../operations/define-operation.js';
import { discardOperation } from '../../operations/discard-operation.js';
import { mergeOperation } from '../../operations/merge-operation.js';
import { noteOperation } from '../../operations/note-operation.js';
import { pickOperation } from '../../operations/pick-operation.js';
import type { OperationContext } from '../../operations/operation-context.js';
import { retryOperation } from '../../operations/retry-operation.js';
import {
  answeredMessage,
  cancelledMessage,
  discardedMessage,
  mergedLines,
  notedMessage,
  pickedLines,
  retryingMessage,
} from './action-messages.js';
import type { TaskSummary } from '../../operations/task-summary.js';

/** An action the live views offer on a task (keys in the watch view, buttons on the dashboard). */
export type TaskAction =
  | { kind: 'answer'; id: string; text: string; seq?: number }
  | { kind: 'note'; id: string; text: string }
  | { kind: 'cancel'; id: string; reason?: string }
  | { kind: 'retry'; id: string; model?: string }
  | { kind: 'merge'; id: string; force?: boolean }
  /** `yes` only after the person confirmed: it deletes work that exists nowhere else. */
  | { kind: 'discard'; id: string; yes?: boolean }
  /** Keep run `child` of the best-of group `id` (a group or run id); `yes` as for discard. */
  | { kind: 'pick'; id: string; child: string; force?: boolean; yes?: boolean };

export interface ActionOutcome {
  message: string;
  /** The task afterwards, when the operation reports it. */
  task: TaskSummary | undefined;
  /** The operation's own result, for interfaces that pass it on. */
  result: object;
}

/**
 * Runs a view's action through the same operation as its CLI command (the same checks, the same
 * supervisor policy), and says how it went in the CLI's words.
 */
export async function performAction(
  ctx: OperationContext,
  action: TaskAction,
): Promise<ActionOutcome> {
  switch (action.kind) {
    case 'answer': {
      const result = await perform(answerOperation, ctx, action);
      return { message: answeredMessage(result), task: result.task, result };
    }
    case 'note': {
      const result = await perform(noteOperation, ctx, action);
      return { message: notedMessage(action.id), task: undefined, result };
    }
    case 'cancel': {
      const result = await perform(cancelOperation, ctx, {
        id: action.id,
        reason: action.reason?.trim() || `cancelled from ${ctx.by}`,
      });
      return { message: cancelledMessage(result), task: result.task, result };
    }
    case 'retry': {
      const result = await perform(retryOperation, ctx, action);
      return { message: retryingMessage(result), task: result.task, result };
    }
    case 'merge': {
      const result = await perform(mergeOperation, ctx, action);
      return { message: mergedLines(result).join(' '), task: undefined, result };
    }
    case 'pick': {
      const result = await perform(pickOperation, ctx, action);
      return {
        message: pickedLines(result, (id) => ctx.taskDir(id)).join(' '),
        task: undefined,
        result,
      };
    }
    case 'discard': {
      const result = await perform(discardOperation, ctx, action);
      return {
        message: discardedMessage(result, ctx.taskDir(action.id)),
        task: undefined,
        result,
      };
    }
  }
}
