import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../core/config/config-types.js';
import { loadConfig } from '../runtime/config-file.js';
import { findDispatchRoot } from '../runtime/paths.js';
import { TaskStore } from '../runtime/store/task-store.js';

/** What every command needs: where the tasks are, the config, and where to print. */
export class CliContext {
  private storeCache: TaskStore | undefined;
  private configCache: Config | undefined;

  constructor(
    readonly cwd: string = process.cwd(),
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get store(): TaskStore {
    if (!this.storeCache) {
      const root = findDispatchRoot(this.cwd, this.env);
      // Tasks found in a parent folder are easy to mistake for this folder's: say whose they are.
      if (!this.env.DISPATCH_ROOT && dirname(root) !== resolve(this.cwd))
        this.err(`dispatch: using ${root}`);
      this.storeCache = new TaskStore(root, this.env);
    }
    return this.storeCache;
  }

  get config(): Config {
    this.configCache ??= loadConfig(this.env);
    return this.configCache;
  }

  out(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }
}

/** Text from arguments, or from standard input when the only argument is "-". */
export function textArgument(words: string[]): string {
  if (words.length === 1 && words[0] === '-') return readFileSync(0, 'utf8');
  return words.join(' ');
}
