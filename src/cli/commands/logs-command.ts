import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { logsOperation, streamLog } from '../../operations/logs-operation.js';
import { numberFlag, type CliContext } from '../cli-context.js';

export function registerLogs(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .summary("print a worker's output")
    .argument('<id>', 'task id')
    .option('-f, --follow', 'keep printing new output until the task ends')
    .option('-n, --lines <n>', 'only the last N lines')
    .action(async (id: string, options: { follow?: boolean; lines?: string }) => {
      const write = (text: string) => process.stdout.write(text);
      if (options.lines !== undefined) {
        const tail = await perform(logsOperation, ctx.ops, {
          id,
          lines: numberFlag(options.lines),
        });
        ctx.out(tail.lines.join('\n'));
      }
      await streamLog(ctx.ops, id, write, {
        follow: options.follow,
        skipExisting: options.lines !== undefined,
      });
    });
}
