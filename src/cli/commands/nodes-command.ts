import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { listQueueNodes } from '../../operations/node-operation.js';
import { queueUrlOf } from '../../operations/queue-url-of.js';
import type { CliContext } from '../cli-context.js';

export function registerNodes(program: Command, ctx: CliContext): void {
  program
    .command('nodes')
    .summary('list the worker nodes of a queue')
    .description(
      'The worker nodes whose heartbeat is current: models, slots in use, last heartbeat.',
    )
    .option(
      '--queue <url>',
      'the Redis queue (default: DISPATCH_QUEUE, else `queue:` in the config)',
    )
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  dispatch nodes --queue redis://queue-host:6379')
    .action(async (options: { queue?: string; json?: boolean }) => {
      await ctx.ops.prepare();
      const url = queueUrlOf(ctx.ops, options.queue);
      if (!url)
        throw new DispatchError(
          'usage',
          'dispatch nodes needs --queue URL (or DISPATCH_QUEUE, or `queue:` in the config)',
        );
      const nodes = await listQueueNodes(url);
      if (options.json) {
        ctx.json(nodes);
        return;
      }
      if (nodes.length === 0) {
        ctx.out('No worker nodes: start one with `dispatch node --queue URL`.');
        return;
      }
      for (const node of nodes)
        ctx.out(
          `${node.id}  ${node.busy}/${node.slots} slots  models: ${node.models.join(', ')}${node.capabilities.length ? `  capabilities: ${node.capabilities.join(', ')}` : ''}  v${node.version}  heartbeat ${node.heartbeat}${node.draining ? '  (draining)' : ''}`,
        );
    });
}
