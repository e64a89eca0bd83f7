import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { discardOperation } from '../../operations/discard-operation.js';
import { askYesNo, canAsk } from '../ask-yes-no.js';
import { discardedMessage } from '../../ui/shared/action-messages.js';
import type { CliContext } from '../cli-context.js';

export function registerDiscard(program: Command, ctx: CliContext): void {
  program
    .command('discard')
    .summary("remove a worktree task's worktree and branch")
    .argument('<id>', 'task id')
    .option('-y, --yes', 'delete even uncommitted or unmerged work without asking')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nRemoves .dispatch/worktrees/<id> and branch dispatch/<id>; the task folder stays. If they hold\nwork found nowhere else (uncommitted changes, commits not merged into the current branch),\nit asks on a terminal, and elsewhere refuses unless --yes is given. For a task that ran on a\nworker node it also deletes dispatch/<id> on the repository the node pushed it to.\n\nExamples:\n  dispatch discard refactor-parser\n  dispatch discard refactor-parser --yes',
    )
    .action(async (id: string, options: { yes?: boolean; json?: boolean }) => {
      const result = await perform(
        discardOperation,
        ctx.ops,
        { id, yes: options.yes },
        { confirm: canAsk() ? askYesNo : undefined },
      );
      if (options.json) {
        ctx.json(result);
        return;
      }
      ctx.out(discardedMessage(result, ctx.ops.taskDir(id)));
    });
}
