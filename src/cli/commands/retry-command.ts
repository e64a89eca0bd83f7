import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { retryOperation } from '../../operations/retry-operation.js';
import type { CliContext } from '../cli-context.js';

export function registerRetry(program: Command, ctx: CliContext): void {
  program
    .command('retry')
    .summary('start a failed, timed-out or cancelled task again where it stopped')
    .argument('<id>', 'task id')
    .option('-m, --model <name>', 'use another model this time')
    .option('--set-default', 'also make that model the default in the config')
    .addHelpText(
      'after',
      '\nDone items stay done; the new worker gets the plan, context.md and why the last attempt stopped.\n\nExamples:\n  dispatch retry security-review\n  dispatch retry security-review --model sonnet --set-default',
    )
    .action(async (id: string, options: { model?: string; setDefault?: boolean }) => {
      const result = await perform(retryOperation, ctx.ops, { id, ...options });
      let line = `Retrying ${id} (attempt ${result.attempt}) with ${result.model}.`;
      if (result.state === 'queued')
        line += ` It starts when a slot is free: dispatch status ${id}`;
      if (result.defaultIn) line += ` ${result.model} is now the default in ${result.defaultIn}.`;
      ctx.out(line);
    });
}
