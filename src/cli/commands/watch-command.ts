import type { Command } from 'commander';
import { isUnsuccessful } from '../../core/status/state-groups.js';
import { perform } from '../../operations/define-operation.js';
import { superviseOperation } from '../../operations/supervise-operation.js';
import { runLineWatch } from '../../ui/terminal/line-watch.js';
import { runWatchView } from '../../ui/terminal/watch-view.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { useColor } from '../../ui/shared/style.js';

export function registerWatch(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .summary('live view of tasks: progress, questions; answer, note and cancel from the keyboard')
    .description(
      'A live full-screen view, one row per task, redrawn on file events. Keys: up/down (j/k) move, Enter or p opens the plan (Esc back), a answers, n adds a note, c cancels, r retries, q quits. When standard output (or input) is not a terminal it prints one line per change instead and exits when every watched task is finished (exit 3 if one failed, timed out or was cancelled).',
    )
    .argument('[ids...]', 'tasks to watch (default: all, including new ones)')
    .option('--no-bell', 'do not ring the terminal bell on a new question or a finished task')
    .addHelpText(
      'after',
      '\nExamples:\n  dispatch watch\n  dispatch watch security-review --no-bell\n  dispatch watch > progress.log',
    )
    .action(async (ids: string[], options: { bell: boolean }) => {
      // Long-running: it must be able to read the config again after the user edits it.
      await ctx.ops.stayReady();
      // Unknown or malformed ids fail here, before the screen is taken over.
      await perform(superviseOperation, ctx.ops, { ids });
      const watched = ids.length > 0 ? ids : undefined;
      if (process.stdout.isTTY && process.stdin.isTTY) {
        await runWatchView({
          ctx: ctx.ops,
          ids: watched,
          bell: options.bell,
          input: process.stdin,
          output: process.stdout,
          styles: useColor(process.stdout) ? 'full' : 'attributes',
        });
        return;
      }
      const result = await runLineWatch({ ctx: ctx.ops, ids: watched, output: process.stdout });
      const failed = result.tasks.some((task) => isUnsuccessful(task.state));
      if (result.reason === 'finished' && failed) process.exitCode = EXIT.taskFailed;
    });
}
