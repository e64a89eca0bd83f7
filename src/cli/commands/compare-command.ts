import type { Command } from 'commander';
import { compareOperation } from '../../operations/compare-operation.js';
import { perform } from '../../operations/define-operation.js';
import type { CliContext } from '../cli-context.js';
import { compareLines } from '../format/compare-view.js';

export function registerCompare(program: Command, ctx: CliContext): void {
  program
    .command('compare')
    .summary('show the runs of a --best-of task side by side')
    .argument(
      '<id>',
      'the best-of group (the id dispatch run --best-of printed), or one of its runs',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nFor each run: its verify result, the lines it added and removed and the files it touched\n(uncommitted work included), its time, and the tokens and cost its CLI reported ("unknown"\nwhen the CLI reports none). Changes nothing.\n\nExample:\n  dispatch run --best-of 2 --models sonnet,codex --verify "npm test" "Fix the date parser"\n  dispatch wait fix-the-date-parser\n  dispatch compare fix-the-date-parser\n  dispatch pick fix-the-date-parser 2',
    )
    .action(async (id: string, options: { json?: boolean }) => {
      const result = await perform(compareOperation, ctx.ops, { id });
      if (options.json) ctx.json(result);
      else ctx.out(compareLines(result).join('\n'));
    });
}
