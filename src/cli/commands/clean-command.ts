import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { cleanOperation } from '../../operations/clean-operation.js';
import { perform } from '../../operations/define-operation.js';
import { askYesNo, canAsk } from '../ask-yes-no.js';
import type { CliContext } from '../cli-context.js';

const UNITS: Record<string, number> = { m: 1, h: 60, d: 24 * 60, w: 7 * 24 * 60 };

/** `--older-than 7d` (also `12h`, `30m`, `2w`, or a bare number of days) in minutes. */
export function parseAge(value: string): number {
  const match = /^(\d+(?:\.\d+)?)([mhdw]?)$/.exec(value.trim());
  if (!match)
    throw new DispatchError(
      'usage',
      `--older-than takes an age such as 7d, 12h or 30m, not "${value}"`,
    );
  return Number(match[1]) * (UNITS[match[2] || 'd'] as number);
}

interface CleanOptions {
  olderThan?: string;
  allFinished?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

export function registerClean(program: Command, ctx: CliContext): void {
  program
    .command('clean')
    .summary('remove finished tasks and their worktrees')
    .option('--older-than <age>', 'finished at least this long ago: 7d (default), 12h, 30m, 2w')
    .option('--all-finished', 'every finished task, whatever its age')
    .option('--dry-run', 'say what would be removed; remove nothing')
    .option('-y, --yes', 'also drop worktrees holding uncommitted or unmerged work, without asking')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nRemoves the folders of tasks that are done, failed, timed out, cancelled or not started\n(and whose worker no longer runs), with their merged or unchanged worktrees and branches.\nNever a task that runs, waits or is queued. A worktree holding work found nowhere else is\ndropped only after you agree on a terminal, or with --yes; otherwise its task is kept.\n\nExamples:\n  dispatch clean --dry-run\n  dispatch clean --older-than 1d\n  dispatch clean --all-finished --yes',
    )
    .action(async (options: CleanOptions) => {
      const result = await perform(
        cleanOperation,
        ctx.ops,
        {
          olderThanMinutes:
            options.olderThan === undefined ? undefined : parseAge(options.olderThan),
          allFinished: options.allFinished,
          dryRun: options.dryRun,
          yes: options.yes,
        },
        { confirm: canAsk() ? askYesNo : undefined },
      );
      if (options.json) {
        ctx.json(result);
        return;
      }
      const verb = result.dryRun ? 'Would remove' : 'Removed';
      const lines = [
        result.removed.length === 0
          ? `Nothing to remove${options.allFinished ? '' : ' (finished tasks are kept 7 days unless --older-than or --all-finished says otherwise)'}.`
          : `${verb} ${result.removed.length} finished task${result.removed.length === 1 ? '' : 's'}:`,
      ];
      for (const task of result.removed)
        lines.push(
          `  ${task.id} (${task.state})${task.worktree ? ` with worktree ${task.worktree.path} and branch ${task.worktree.branch}` : ''}`,
        );
      for (const task of result.kept) lines.push(`  kept ${task.id}: ${task.reason}`);
      ctx.out(lines.join('\n'));
    });
}
