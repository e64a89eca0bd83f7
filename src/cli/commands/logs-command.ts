import type { Command } from 'commander';
import { closeSync, openSync, readSync, statSync, watch } from 'node:fs';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import { logTail } from '../../runtime/tasks/read-log.js';
import type { CliContext } from '../cli-context.js';
import { waitUntil } from '../../runtime/watch/wait-until.js';

function readFrom(path: string, offset: number): { text: string; end: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { text: '', end: offset };
  }
  try {
    const size = statSync(path).size;
    if (size <= offset) return { text: '', end: size < offset ? 0 : offset };
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return { text: buffer.toString('utf8'), end: size };
  } finally {
    closeSync(fd);
  }
}

export function registerLogs(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .summary("print a worker's output")
    .argument('<id>', 'task id')
    .option('-f, --follow', 'keep printing new output until the task ends')
    .option('-n, --lines <n>', 'only the last N lines')
    .action(async (id: string, options: { follow?: boolean; lines?: string }) => {
      const files = ctx.store.require(id);
      let offset = 0;
      if (options.lines !== undefined) {
        ctx.out(logTail(files.log, Math.max(1, Number(options.lines) || 10)).join('\n'));
        offset = readFrom(files.log, 0).end;
      } else {
        const first = readFrom(files.log, 0);
        process.stdout.write(first.text);
        offset = first.end;
      }
      if (!options.follow) return;
      await waitUntil(
        () => {
          const next = readFrom(files.log, offset);
          process.stdout.write(next.text);
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
