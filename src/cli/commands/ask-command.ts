import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { askQuestion } from '../../runtime/tasks/ask-question.js';
import { textArgument, type CliContext } from '../cli-context.js';

export function registerAsk(program: Command, ctx: CliContext): void {
  program
    .command('ask')
    .summary('for workers: ask the user a question and wait for the answer')
    .description(
      'Run inside a dispatched worker (it finds its task through DISPATCH_TASK_DIR): writes the next\nNNN.question atomically, waits for NNN.answer, acknowledges it with NNN.done, and prints the answer.',
    )
    .argument('<question...>', 'the question (- reads standard input)')
    .option('--timeout <seconds>', 'how long to wait for the answer', '180')
    .addHelpText(
      'after',
      '\nExit status: 0 with the answer on standard output; 1 when no answer came in time (the question stays).\n\nExample:\n  answer=$(dispatch ask "Use PostgreSQL or SQLite?")',
    )
    .action(async (words: string[], options: { timeout: string }) => {
      const taskDir = ctx.env.DISPATCH_TASK_DIR;
      if (!taskDir) {
        throw new DispatchError(
          'usage',
          'dispatch ask runs inside a dispatched worker, and DISPATCH_TASK_DIR is not set',
          {
            hint: 'Workers started by dispatch have it. To test by hand: DISPATCH_TASK_DIR=.dispatch/tasks/ID dispatch ask "question"',
          },
        );
      }
      const seconds = Number(options.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new DispatchError('usage', `--timeout takes seconds, not "${options.timeout}"`);
      const question = textArgument(words).trim();
      if (!question) throw new DispatchError('usage', 'the question is empty');
      const { answer } = await askQuestion({ taskDir, question, timeoutMs: seconds * 1000 });
      ctx.out(answer);
    });
}
