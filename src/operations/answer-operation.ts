import * as z from 'zod/mini';
import { answerTask } from '../runtime/tasks/answer-task.js';
import { defineOperation } from './define-operation.js';
import { superviseAlways } from './supervision.js';
import { questionNumber, someText, taskId, taskState } from './task-fields.js';
import { statusJson, taskSummary } from './task-summary.js';

export const answerInput = z.object({
  id: taskId,
  text: someText('answer', "The user's answer, passed on as written"),
  seq: questionNumber('Which question (its number); default: the oldest unanswered one'),
});

export const answerResult = z.object({
  id: z.string(),
  /** The question answered; null for a question left in the plan by a worker that gave up. */
  seq: z.nullable(z.number()),
  /** A new worker was started because the one that asked had given up waiting. */
  resumed: z.boolean(),
  /**
   * A `dispatch ask` is waiting for the question right now, so the worker continues with the
   * answer at once. False and not `resumed`: the worker runs but no `dispatch ask` waits; it gets
   * the answer when it checks the files or asks again, or is resumed with it if it stops.
   */
  workerWaiting: z.boolean(),
  state: taskState,
  /** The task after the answer. */
  task: taskSummary,
});

export type AnswerResult = z.output<typeof answerResult>;

/**
 * Answers a worker's question: the oldest unanswered one, or question `seq`. If the worker had
 * given up waiting, a new worker continues with the plan, its context and the answer. Either
 * way a supervisor must run: should the worker give up before it reads the answer, the
 * supervisor hands the answer to a new one.
 */
export const answerOperation = defineOperation({
  name: 'answer',
  input: answerInput,
  result: answerResult,
  run: async (ctx, { id, text, seq }): Promise<AnswerResult> => {
    await ctx.prepare();
    const result = answerTask(ctx.store, { id, seq, text, by: ctx.by });
    superviseAlways(ctx);
    return {
      id,
      seq: result.seq ?? null,
      resumed: result.resumed,
      workerWaiting: result.workerWaiting,
      state: result.status.state,
      task: statusJson(result.status),
    };
  },
});

/** What happens to an answer given while the worker runs, by whether it is waiting right now. */
export function liveWorkerText(result: Pick<AnswerResult, 'workerWaiting'>): string {
  return result.workerWaiting
    ? 'the worker is waiting and continues.'
    : 'no `dispatch ask` is waiting now; the worker gets it when it checks or asks again, or is resumed with it if it stops.';
}
