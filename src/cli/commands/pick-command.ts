import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { pickOperation } from '../../operations/pick-operation.js';
import { askYesNo, canAsk } from '../ask-yes-no.js';
import type { CliContext } from '../cli-context.js';
import { pickedLines } from '../../ui/shared/action-messages.js';

export function registerPick(program: Command, ctx: CliContext): void {
  program
    .command('pick')
    .summary('merge one run of a --best-of task and discard the others')
    .argument('<id>', 'the best-of group (the id dispatch run --best-of printed)')
    .argument('<run>', 'the run to keep: its number (2) or its id (fix-parser.2)')
    .option('--force', 'keep the run even though it failed its verify command')
    .option('-y, --yes', "delete the other runs' uncommitted or unmerged work without asking")
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      "\nMerges the run as dispatch merge does (git merge --no-ff, committing what its worker left\nuncommitted first), then removes the other runs' worktrees and branches as dispatch discard\ndoes: work found nowhere else is deleted only after a yes on a terminal, and elsewhere only\nwith --yes (without it nothing is merged or deleted). A run whose verify command failed is\nrefused (exit 6) unless --force is given. Every run's task record stays.\n\nExamples:\n  dispatch pick fix-the-date-parser 2\n  dispatch pick fix-the-date-parser fix-the-date-parser.1 --yes",
    )
    .action(
      async (
        id: string,
        run: string,
        options: { force?: boolean; yes?: boolean; json?: boolean },
      ) => {
        const result = await perform(
          pickOperation,
          ctx.ops,
          { id, child: run, force: options.force, yes: options.yes },
          { confirm: canAsk() ? askYesNo : undefined },
        );
        if (options.json) ctx.json(result);
        else ctx.out(pickedLines(result, (child) => ctx.ops.taskDir(child)).join('\n'));
      },
    );
}
