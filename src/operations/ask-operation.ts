import * as z from 'zod/mini';
import { DispatchError } from '../core/errors.js';
import { askQuestion } from '../runtime/tasks/ask-question.js';
import { defineOperation } from './define-operation.js';
import { someText } from './task-fields.js';

export const askInput = z.object({
  question: someText('question', 'The question for the user'),
  timeoutSeconds: z.number().check(z.positive('the timeout must be more than 0 seconds')),
});

export const askResult = z.object({ seq: z.number(), answer: z.string() });

export type AskResult = z.output<typeof askResult>;

/**
 * For workers (`dispatch ask`): writes the next question of the task in DISPATCH_TASK_DIR
 * atomically, waits for its answer, acknowledges it and returns it.
 */
export const askOperation = defineOperation({
  name: 'ask',
  input: askInput,
  result: askResult,
  run: (ctx, { question, timeoutSeconds }): Promise<AskResult> => {
    const taskDir = ctx.env.DISPATCH_TASK_DIR;
    if (!taskDir)
      throw new DispatchError(
        'usage',
        'dispatch ask runs inside a dispatched worker, and DISPATCH_TASK_DIR is not set',
        {
          hint: 'Workers started by dispatch have it. To test by hand: DISPATCH_TASK_DIR=.dispatch/tasks/ID dispatch ask "question"',
        },
      );
    return askQuestion({ taskDir, question: question.trim(), timeoutMs: timeoutSeconds * 1000 });
  },
});
