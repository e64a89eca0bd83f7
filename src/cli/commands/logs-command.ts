import type { Command } from 'commander';
import { watch } from 'node:fs';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import { terminalText } from '../../core/text/terminal-text.js';
import { logTail, readLogFrom as readFrom } from '../../runtime/tasks/read-log.js';
import type { CliContext } from '../cli-context.js';
import { waitUntil } from '../../runtime/watch/wait-until.js';

export function registerLogs(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .summary("print a worker's output")
    .argument('<id>', 'task id')
    .option('-f, --follow', 'keep printing new output until the task ends')
    .option('-n, --lines <n>', 'only the last N lines')
    .option(
      '--raw',
      'print the output byte for byte, escape sequences included (only for a file or a pager you trust: they can drive your terminal)',
    )
    .action(async (id: string, options: { follow?: boolean; lines?: string; raw?: boolean }) => {
      const files = ctx.store.require(id);
      // Worker output is shown, never obeyed: control sequences are removed unless --raw.
      const shown = (text: string) => (options.raw ? text : terminalText(text));
      let offset = 0;
      if (options.lines !== undefined) {
        ctx.out(shown(logTail(files.log, Math.max(1, Number(options.lines) || 10)).join('\n')));
        offset = readFrom(files.log, 0).end;
      } else {
        const first = readFrom(files.log, 0);
        process.stdout.write(shown(first.text));
        offset = first.end;
      }
      if (!options.follow) return;
      await waitUntil(
        () => {
          const next = readFrom(files.log, offset);
          process.stdout.write(shown(next.text));
          offset = next.end;
          return TERMINAL_STATES.has(ctx.store.status(id).state) ? true : undefined;
        },
        {
          pollMs: 1000,
          wake: (wake) => {
            const watcher = watch(files.taskDir, wake);
            return () => watcher.close();
          },
        },
      );
    });
}
