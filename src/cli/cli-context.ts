import { readFileSync } from 'node:fs';
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
    this.storeCache ??= new TaskStore(findDispatchRoot(this.cwd, this.env), this.env);
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
