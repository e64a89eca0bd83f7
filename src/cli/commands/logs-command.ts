import type { Command } from 'commander';
import { terminalText } from '../../core/text/terminal-text.js';
import { perform } from '../../operations/define-operation.js';
import { logsOperation, streamLog } from '../../operations/logs-operation.js';
import { numberFlag, type CliContext } from '../cli-context.js';
import { taskOrLatest } from '../task-argument.js';

export function registerLogs(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .summary("print a worker's output")
    .argument('[id]', 'task id, or a start of it only one task has (default: the latest task)')
    .option('-f, --follow', 'keep printing new output until the task ends')
    .option('-n, --lines <n>', 'only the last N lines')
    .option(
      '--raw',
      'print the output byte for byte, escape sequences included (only for a file or a pager you trust: they can drive your terminal)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  dispatch logs security-review\n  dispatch logs sec --follow\n  dispatch logs --lines 20',
    )
    .action(
      async (
        ref: string | undefined,
        options: { follow?: boolean; lines?: string; raw?: boolean },
      ) => {
        // Worker output is shown, never obeyed: control sequences are removed unless --raw.
        const id = taskOrLatest(ctx, ref);
        const shown = (text: string) => (options.raw ? text : terminalText(text));
        const write = (text: string) => process.stdout.write(shown(text));
        if (options.lines !== undefined) {
          const tail = await perform(logsOperation, ctx.ops, {
            id,
            lines: numberFlag(options.lines),
          });
          ctx.out(shown(tail.lines.join('\n')));
        }
        await streamLog(ctx.ops, id, write, {
          follow: options.follow,
          skipExisting: options.lines !== undefined,
        });
      },
    );
}
