import type { Config } from '../core/config/config-types.js';
import { builtinConfig } from '../core/config/builtin-config.js';
import { loadConfig, loadConfigParser, prepareConfig } from '../runtime/config-file.js';
import { TaskStore } from '../runtime/store/task-store.js';
import { Supervisor } from '../runtime/supervisor/supervisor.js';
import { LauncherClient } from '../runtime/spawn/launcher-client.js';

/**
 * Entry of the detached supervisor process: `node supervisor.js <root>`. Started on demand
 * by any dispatch command; exits quietly if another supervisor holds the root, and by itself once
 * nothing is left to supervise.
 */
function lastGoodConfigLoader(): () => Config {
  let last: Config | undefined;
  return () => {
    try {
      last = loadConfig();
    } catch (error) {
      // The file changed: load the parser for next time (it is loaded only when needed, to keep
      // the idle supervisor small) and keep supervising with the last good config meanwhile. A
      // broken config is reported to the user by their next command.
      void loadConfigParser();
      if (!last) {
        process.stdout.write(
          `${new Date().toISOString()} [${process.pid}] config: ${(error as Error).message}; using the defaults until it is fixed\n`,
        );
        return builtinConfig();
      }
    }
    return last;
  };
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) {
    process.stderr.write('usage: supervisor.js <.dispatch root>\n');
    process.exit(2);
  }
  await prepareConfig();
  const log = (message: string) =>
    process.stdout.write(`${new Date().toISOString()} [${process.pid}] ${message}\n`);
  const supervisor = new Supervisor(new TaskStore(root), lastGoodConfigLoader(), {
    idleExitMs: Number(process.env.DISPATCH_SUPERVISOR_IDLE_MS) || undefined,
    // Where a lost spawn can be told from one that happened (the process table is searchable).
    launcher: process.platform === 'linux' ? new LauncherClient({ log }) : undefined,
  });
  supervisor.on('log', log);
  supervisor.on('notify', (kind, status) =>
    process.stdout.write(`${new Date().toISOString()} [${process.pid}] ${status.id}: ${kind}\n`),
  );
  supervisor.on('exit', () => process.exit(0));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    process.on(signal, () => supervisor.stop());
  if (!supervisor.start()) process.exit(0);
}

await main();
