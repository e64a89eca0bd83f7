import type { Command } from 'commander';
import { askOperation } from '../../operations/ask-operation.js';
import { perform } from '../../operations/define-operation.js';
import { numberFlag, textArgument, type CliContext } from '../cli-context.js';

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
      const { answer } = await perform(askOperation, ctx.ops, {
        question: textArgument(words),
        timeoutSeconds: numberFlag(options.timeout) as number,
      });
      ctx.out(answer);
    });
}
