import * as z from 'zod/mini';
import { DispatchError } from '../core/errors.js';
import { askQuestion } from '../runtime/tasks/ask-question.js';
import { defineOperation } from './define-operation.js';
import { questionNumber, someText } from './task-fields.js';

const seconds = (what: string) =>
  z.optional(z.number().check(z.positive(`the ${what} must be more than 0 seconds`)));

export const askInput = z.object({
  question: someText('question', 'The question for the user'),
  /** Re-attach to this question (its number) instead of matching by text. */
  seq: questionNumber(),
  /** The longest this call waits; default: the task's `ask_slice_seconds`. */
  sliceSeconds: seconds('slice'),
  /** The whole wait from this worker's first ask; default: the task's fallback time. */
  timeoutSeconds: seconds('timeout'),
});

export const askResult = z.object({
  seq: z.number(),
  /** `pending`: the slice ended without an answer; asking again keeps waiting. */
  status: z.enum(['answered', 'pending']),
  /** The answer; null while pending. */
  answer: z.nullable(z.string()),
  /** Seconds since this worker first asked it, and the whole wait before the fallback. */
  waitedSeconds: z.number(),
  timeoutSeconds: z.number(),
});

export type AskResult = z.output<typeof askResult>;

/**
 * For workers (`dispatch ask`): writes the next question of the task in DISPATCH_TASK_DIR
 * atomically (or re-attaches to the same pending one), waits one slice for its answer,
 * acknowledges it and returns it. A timeout error once the fallback time has passed.
 */
export const askOperation = defineOperation({
  name: 'ask',
  input: askInput,
  result: askResult,
  run: async (ctx, { question, seq, sliceSeconds, timeoutSeconds }): Promise<AskResult> => {
    const taskDir = ctx.env.DISPATCH_TASK_DIR;
    if (!taskDir)
      throw new DispatchError(
        'usage',
        'dispatch ask runs inside a dispatched worker, and DISPATCH_TASK_DIR is not set',
        {
          hint: 'Workers started by dispatch have it. To test by hand: DISPATCH_TASK_DIR=.dispatch/tasks/ID dispatch ask "question"',
        },
      );
    const outcome = await askQuestion({
      taskDir,
      question: question.trim(),
      seq,
      sliceMs: sliceSeconds === undefined ? undefined : sliceSeconds * 1000,
      totalMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
      attempt: ctx.env.DISPATCH_ATTEMPT,
    });
    return {
      seq: outcome.seq,
      status: outcome.answer === undefined ? 'pending' : 'answered',
      answer: outcome.answer ?? null,
      waitedSeconds: Math.round(outcome.waitedMs / 1000),
      timeoutSeconds: Math.round(outcome.totalMs / 1000),
    };
  },
});
