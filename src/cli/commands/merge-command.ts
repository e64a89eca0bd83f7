import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { mergeOperation } from '../../operations/merge-operation.js';
import { mergedLines } from '../../ui/shared/action-messages.js';
import type { CliContext } from '../cli-context.js';

export function registerMerge(program: Command, ctx: CliContext): void {
  program
    .command('merge')
    .summary("merge a worktree task's branch into the current branch")
    .argument('<id>', 'task id')
    .option('--force', 'merge even though the task failed its verify command')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nRuns git merge --no-ff dispatch/<id> in the main repository. Changes the worker left\nuncommitted in its worktree are first committed on its branch (and the output says so).\nOn a conflict the repository is left as git leaves it and the conflicted files are named\n(exit 6): resolve and commit, or git merge --abort. The worktree stays until dispatch discard.\nA task whose verify command failed is refused (exit 6) unless --force is given.\n\nExample:\n  dispatch merge refactor-parser',
    )
    .action(async (id: string, options: { json?: boolean; force?: boolean }) => {
      const result = await perform(mergeOperation, ctx.ops, { id, force: options.force });
      if (options.json) {
        ctx.json(result);
        return;
      }
      const lines = mergedLines(result);
      lines.push(`The worktree stays; remove it with: dispatch discard ${id}`);
      ctx.out(lines.join('\n'));
    });
}
