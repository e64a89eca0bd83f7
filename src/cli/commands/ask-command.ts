import type { Command } from 'commander';
import { askAgainLine } from '../../core/ipc/ask-wait.js';
import { askOperation } from '../../operations/ask-operation.js';
import { perform } from '../../operations/define-operation.js';
import { numberFlag, textArgument, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';

export function registerAsk(program: Command, ctx: CliContext): void {
  program
    .command('ask')
    .summary('for workers: ask the user a question and wait for the answer')
    .description(
      'Run inside a dispatched worker (it finds its task through DISPATCH_TASK_DIR): writes the next\nNNN.question atomically, waits for NNN.answer, acknowledges it with NNN.done, and prints the answer.\nOne run waits at most one slice (ask_slice_seconds, 90 by default), shorter than the tool limits of\nthe agent CLIs; running it again with the same question waits on for the same question file.',
    )
    .argument('<question...>', 'the question (- reads standard input)')
    .option('--seq <n>', 'wait on for question n instead of matching the text')
    .option(
      '--slice <seconds>',
      "the longest one run waits (default: the task's ask_slice_seconds)",
    )
    .option(
      '--timeout <seconds>',
      "the whole wait since this worker first asked (default: the task's fallback_minutes)",
    )
    .addHelpText(
      'after',
      `\nExit status: 0 with the answer on standard output; ${EXIT.askAgain} when this run's slice ended without an answer\n(run the same command again); 1 when no answer came within the whole wait (the question stays:\nfollow the fallback).\n\nExample:\n  answer=$(dispatch ask "Use PostgreSQL or SQLite?")`,
    )
    .action(
      async (words: string[], options: { seq?: string; slice?: string; timeout?: string }) => {
        const result = await perform(askOperation, ctx.ops, {
          question: textArgument(words),
          seq: numberFlag(options.seq),
          sliceSeconds: numberFlag(options.slice),
          timeoutSeconds: numberFlag(options.timeout),
        });
        if (result.answer !== null) {
          ctx.out(result.answer);
          return;
        }
        ctx.err(
          askAgainLine(result.seq, result.waitedSeconds * 1000, result.timeoutSeconds * 1000),
        );
        process.exitCode = EXIT.askAgain;
      },
    );
}
