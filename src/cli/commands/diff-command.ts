import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { diffOperation } from '../../operations/diff-operation.js';
import type { CliContext } from '../cli-context.js';
import { paint, useColor } from '../../ui/shared/style.js';

export function registerDiff(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .summary("show a worktree task's changes: committed on its branch, and uncommitted")
    .argument('<id>', 'task id')
    .option('--stat', 'a summary per file instead of the full patch')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nTwo parts: the commits on branch dispatch/<id> since it was made, then what the worker\nleft uncommitted in its worktree (new files included). Nothing is committed or changed.\n\nExamples:\n  dispatch diff refactor-parser\n  dispatch diff refactor-parser --stat',
    )
    .action(async (id: string, options: { stat?: boolean; json?: boolean }) => {
      const diff = await perform(diffOperation, ctx.ops, {
        id,
        stat: options.stat,
        color: !options.json && useColor(),
      });
      if (options.json) {
        ctx.json(diff);
        return;
      }
      const { worktree } = diff;
      const base = worktree.base.slice(0, 7);
      const where = diff.present
        ? `worktree ${worktree.path}`
        : diff.fetchedFrom !== undefined
          ? `ran on a worker node, fetched from ${diff.fetchedFrom}`
          : 'worktree (removed)';
      const lines = [
        `${paint(id, 'bold')}: branch ${worktree.branch} from ${base}, ${where}`,
        '',
        paint(
          `== Committed on ${worktree.branch} since ${base}: ${diff.commits.length} commit${diff.commits.length === 1 ? '' : 's'} ==`,
          'bold',
        ),
        ...diff.commits.map((commit) => `  ${commit}`),
        diff.branchExists ? diff.committed.trimEnd() || '(no changes)' : '(the branch is gone)',
        '',
        paint(
          `== Uncommitted in the worktree: ${diff.uncommittedFiles.length} file${diff.uncommittedFiles.length === 1 ? '' : 's'} (dispatch merge commits them first) ==`,
          'bold',
        ),
        diff.present
          ? diff.uncommitted.trimEnd() || '(none)'
          : diff.fetchedFrom !== undefined
            ? '(none: the node commits what its worker left before it pushes)'
            : '(the worktree is gone)',
      ];
      ctx.out(lines.join('\n'));
    });
}
