import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { startWorkerNode } from '../../operations/node-operation.js';
import { queueUrlOf } from '../../operations/queue-url-of.js';
import type { CliContext } from '../cli-context.js';

interface NodeOptions {
  queue?: string;
  slots: string;
  capability: string[];
  dir?: string;
  id?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerNode(program: Command, ctx: CliContext): void {
  program
    .command('node')
    .summary('run tasks from a Redis queue on this machine (a worker node)')
    .description(
      "Take tasks from the queue for the models this machine's own config offers, up to --slots at\nonce, and run each in a worktree of its repository; push the task's branch when it ends.\nRuns until stopped: SIGTERM drains (no new tasks; running ones finish). See docs/nodes.md.",
    )
    .option(
      '--queue <url>',
      'the Redis queue: redis://[:PASSWORD@]host:6379 or rediss:// (default: DISPATCH_QUEUE, else `queue:` in the config)',
    )
    .option('--slots <n>', 'how many tasks run at once', '4')
    .option(
      '--capability <name>',
      'a capability this node offers (repeat for several)',
      collect,
      [],
    )
    .option('--dir <dir>', 'where repository mirrors and worktrees go (default: ~/.dispatch/node)')
    .option('--id <id>', 'the node id (default: host name and folder name)')
    .addHelpText(
      'after',
      `
Examples:
  dispatch node --queue redis://queue-host:6379 --slots 8
  DISPATCH_QUEUE=redis://:PASSWORD@queue-host:6379 dispatch node --capability research --dir /var/lib/dispatch`,
    )
    .action(async (options: NodeOptions) => {
      await ctx.ops.prepare();
      const url = queueUrlOf(ctx.ops, options.queue);
      if (!url)
        throw new DispatchError('usage', 'dispatch node needs --queue URL (or DISPATCH_QUEUE)', {
          hint: 'Example: dispatch node --queue redis://queue-host:6379 --slots 8',
        });
      const slots = Number(options.slots);
      if (!Number.isInteger(slots) || slots < 1)
        throw new DispatchError(
          'usage',
          `--slots takes a whole number of at least 1, not "${options.slots}"`,
        );
      const node = await startWorkerNode(ctx.ops, {
        queueUrl: url,
        slots,
        capabilities: options.capability,
        dir: options.dir,
        id: options.id,
        log: (line) => ctx.err(`${new Date().toISOString()} ${line}`),
      });
      await new Promise<void>((done) => {
        process.once('SIGTERM', () => void node.drain().then(done));
        process.once('SIGINT', () => void node.drain().then(done));
      });
    });
}
