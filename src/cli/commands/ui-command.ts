import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { perform } from '../../operations/define-operation.js';
import { superviseOperation } from '../../operations/supervise-operation.js';
import { untilSignal } from '../../ui/shared/until-signal.js';
import { DashboardServer } from '../../ui/web/dashboard-server.js';
import { openBrowser } from '../../ui/web/open-browser.js';
import type { CliContext } from '../cli-context.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535)
    throw new DispatchError('usage', `--port takes a number from 0 to 65535, not "${value}"`, {
      hint: 'Leave it out (or use 0) for any free port.',
    });
  return port;
}

function collectAlias(value: string, previous: string[]): string[] {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(value))
    throw new DispatchError('usage', `--host-alias takes a host name, not "${value}"`, {
      hint: 'Give the name the browser shows in its address bar, without the port: --host-alias devbox',
    });
  return [...previous, value];
}

export function registerUi(program: Command, ctx: CliContext): void {
  program
    .command('ui')
    .summary('serve a live web dashboard on 127.0.0.1 (answer questions in the browser)')
    .description(
      'Serve a live dashboard of every task on 127.0.0.1 only. The URL it prints carries a random token; requests without it are refused. Ctrl-C stops it.',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--open', 'open the dashboard in the default browser')
    .option(
      '--host-alias <name>',
      'also accept this host name in the browser (besides 127.0.0.1 and localhost, on any port); repeatable',
      collectAlias,
      [],
    )
    .addHelpText(
      'after',
      '\nFrom another machine, forward the port over SSH and open the printed URL with the\nforwarded port (any local port works):\n  ssh -L 8080:127.0.0.1:8765 devbox   then   http://localhost:8080/?token=…\n\nExamples:\n  dispatch ui\n  dispatch ui --port 8765 --open\n  dispatch ui --port 8765 --host-alias devbox.tailnet.example',
    )
    .action(async (options: { port: string; open?: boolean; hostAlias: string[] }) => {
      // Long-running: it must be able to read the config again after the user edits it.
      await ctx.ops.stayReady();
      const port = parsePort(options.port);
      await perform(superviseOperation, ctx.ops, { createRoot: true });
      const server = new DashboardServer({
        ctx: ctx.ops,
        port,
        log: (line) => ctx.err(line),
        hostAliases: options.hostAlias,
      });
      const { url, port: listening } = await server.start();
      const stopped = untilSignal(['SIGINT', 'SIGTERM']);
      ctx.out(
        `Dashboard for ${ctx.ops.project}:\n  ${url}\nOnly this URL opens it (the token is its password); it listens on 127.0.0.1 only. Ctrl-C stops it.\nFrom another machine: ssh -L 8080:127.0.0.1:${listening} THIS-HOST, then open the URL with localhost:8080.`,
      );
      // Never the token: an opener's argv is visible to every user in `ps`.
      if (options.open) openBrowser(server.loginUrl());
      await stopped;
      await server.stop();
      ctx.out('Dashboard stopped.');
    });
}
