import type { Command } from 'commander';
import { reviewTask, trustTask } from '../../runtime/trust/trust-task.js';
import type { CliContext } from '../cli-context.js';

export function registerTrust(program: Command, ctx: CliContext): void {
  program
    .command('trust')
    .summary('show what a task not signed by you would run, and sign it')
    .description(
      'Only tasks whose launch record carries your signature are ever started, resumed or signalled (see docs/protocol.md, Trust). A task made by an earlier version of dispatch has none. This shows the command line, folder and model it would run with; with --yes it signs that record with your key, as if you had just dispatched it. Never sign a task you did not create.',
    )
    .argument('<id>', 'task id')
    .option('-y, --yes', 'sign it (after reading what it runs)')
    .action((id: string, options: { yes?: boolean }) => {
      const review = reviewTask(ctx.store, id);
      const { meta } = review;
      // Written by whoever made the folder: shown as JSON strings, so no control character in
      // them reaches the terminal and every space and quote is visible.
      const show = (value: unknown) => JSON.stringify(value);
      ctx.out(
        [
          `Task ${id}: ${review.untrusted ? `not trusted: ${review.untrusted}` : 'signed by you'}`,
          `  command: ${show(meta.command)}`,
          `  argv:    ${show(meta.argv)}`,
          `  folder:  ${show(meta.worktree?.path ?? meta.cwd)}`,
          `  model:   ${show(meta.model)} (backend ${show(meta.backend)}, ${show(meta.backendType)})`,
        ].join('\n'),
      );
      if (!review.untrusted) return;
      if (!options.yes) {
        ctx.out(`If you created it and this is what you want run: dispatch trust ${id} --yes`);
        return;
      }
      trustTask(ctx.store, review);
      ctx.out(`Signed ${id}: it may now be started, resumed and signalled like your other tasks.`);
    });
}
