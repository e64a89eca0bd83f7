import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import type { AnswerResult } from '../../operations/answer-operation.js';
import type { CancelResult } from '../../operations/cancel-operation.js';
import type { RetryResult } from '../../operations/retry-operation.js';

/** What every interface says after an action, in the same words. */

/** "Answered question 001 of x; …", as `dispatch answer` says it. */
export function answeredMessage(result: AnswerResult): string {
  const which = result.seq !== null ? `question ${formatSeq(result.seq)}` : 'the blocked question';
  return result.resumed
    ? `Answered ${which} of ${result.id}; the earlier worker had stopped, so a new one continues with your answer.`
    : `Answered ${which} of ${result.id}; the worker continues.`;
}

export function notedMessage(id: string): string {
  return `Added a note to ${id}'s plan.`;
}

/** "; stopped 3 more processes it had started", or nothing. */
export function leftoversText(leftovers: number): string {
  if (leftovers === 0) return '';
  return `; stopped ${leftovers} more process${leftovers === 1 ? '' : 'es'} it had started outside its process group`;
}

export function cancelledMessage(result: CancelResult): string {
  return `Cancelled ${result.id}${result.killed ? ' (the worker ignored SIGTERM and was killed)' : ''}${leftoversText(result.leftovers)}.`;
}

export function retryingMessage(result: RetryResult): string {
  return `Retrying ${result.id} (attempt ${result.attempt}) with ${result.model}.`;
}
