import type { Command } from 'commander';
import { cancelOperation } from '../../operations/cancel-operation.js';
import { perform } from '../../operations/define-operation.js';
import type { CliContext } from '../cli-context.js';
import { leftoversText } from '../../ui/shared/action-messages.js';

export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .summary('stop a task and everything its worker started')
    .argument('<id>', 'task id')
    .option('--reason <text>', 'why, kept in the task history')
    .option('--by <name>', 'who cancels (default: user)')
    .addHelpText(
      'after',
      '\nThe worker\'s process group gets SIGTERM, then SIGKILL after 3 s; then every other process the worker started (found by the task\'s marker in its environment, whatever group or session it moved to) likewise. The task folder is kept.\n\nExample:\n  dispatch cancel security-review --reason "wrong branch"',
    )
    .action(async (id: string, options: { reason?: string; by?: string }) => {
      const result = await perform(cancelOperation, ctx.ops.as(options.by ?? 'user'), {
        id,
        reason: options.reason,
      });
      ctx.out(
        `Cancelled ${id}${result.killed ? ' (the worker ignored SIGTERM and was killed)' : ''}${leftoversText(result.leftovers)}. Its files stay in ${ctx.ops.taskDir(id)}.`,
      );
      if (result.node !== undefined) ctx.out(`On its worker node: ${result.node}.`);
    });
}
