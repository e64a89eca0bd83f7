import { statSync } from 'node:fs';
import type { Config } from '../../core/config/config-types.js';
import { loadConfig } from '../config-file.js';
import { configPath } from '../paths.js';
import { TaskStore } from '../store/task-store.js';
import { Supervisor } from './supervisor.js';

/**
 * Entry of the detached supervisor process: `node supervisor-main.js <root>`. Started on demand
 * by any dispatch command; exits quietly if another supervisor holds the root, and by itself once
 * nothing is left to supervise.
 */
function cachedConfigLoader(): () => Config {
  let cached: { config: Config; stamp: number } | undefined;
  return () => {
    let stamp = 0;
    try {
      stamp = statSync(configPath()).mtimeMs;
    } catch {
      // no config file: built-in configuration
    }
    if (!cached || cached.stamp !== stamp) {
      try {
        cached = { config: loadConfig(), stamp };
      } catch (error) {
        // Keep supervising with the last good config; the user sees the error on their next command.
        if (!cached) throw error;
      }
    }
    return cached.config;
  };
}

function main(): void {
  const root = process.argv[2];
  if (!root) {
    process.stderr.write('usage: supervisor-main.js <.dispatch root>\n');
    process.exit(2);
  }
  const supervisor = new Supervisor(new TaskStore(root), cachedConfigLoader(), {
    idleExitMs: Number(process.env.DISPATCH_SUPERVISOR_IDLE_MS) || undefined,
  });
  supervisor.on('log', (message) =>
    process.stdout.write(`${new Date().toISOString()} [${process.pid}] ${message}\n`),
  );
  supervisor.on('notify', (kind, status) =>
    process.stdout.write(`${new Date().toISOString()} [${process.pid}] ${status.id}: ${kind}\n`),
  );
  supervisor.on('exit', () => process.exit(0));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    process.on(signal, () => supervisor.stop());
  if (!supervisor.start()) process.exit(0);
}

main();
