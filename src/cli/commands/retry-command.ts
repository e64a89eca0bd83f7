import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { setDefaultModel } from '../../runtime/config-edit.js';
import { ensureSupervisor } from '../../runtime/supervisor/ensure-supervisor.js';
import { retryTask } from '../../runtime/tasks/retry-task.js';
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
      if (options.setDefault && !options.model)
        throw new DispatchError('usage', '--set-default needs --model');
      const result = await retryTask(ctx.store, ctx.config, id, { model: options.model });
      ensureSupervisor(ctx.store);
      let line = `Retrying ${id} (attempt ${result.attempt}) with ${result.model}.`;
      if (result.status.state === 'queued')
        line += ` It starts when a slot is free: dispatch status ${id}`;
      if (options.setDefault && options.model) {
        const file = ctx.config.file;
        if (!file)
          throw new DispatchError('config', 'there is no config file to change the default in', {
            hint: 'Run `dispatch init` first.',
          });
        setDefaultModel(file, result.model);
        line += ` ${result.model} is now the default in ${file}.`;
      }
      ctx.out(line);
    });
}
