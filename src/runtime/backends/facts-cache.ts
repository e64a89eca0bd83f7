import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { dispatchHome } from '../paths.js';

interface CacheFile<T> {
  version: 1;
  entries: Record<string, T>;
}

/**
 * What was learnt about the agent CLIs on this machine, kept in `~/.dispatch/cache/NAME.json`
 * (0600 in a 0700 folder) so that the next command need not probe again. A missing or damaged
 * file is an empty cache; a failed write only costs the next probe.
 */
export class FactsCache<T> {
  private readonly file: string;
  private readonly data: CacheFile<T>;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    name: string,
  ) {
    this.file = join(dispatchHome(env), 'cache', `${name}.json`);
    this.data = FactsCache.read<T>(this.file);
  }

  private static read<T>(file: string): CacheFile<T> {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile<T>;
      if (parsed.version === 1 && parsed.entries && typeof parsed.entries === 'object')
        return parsed;
    } catch {
      // missing or unreadable: start afresh
    }
    return { version: 1, entries: {} };
  }

  get(key: string): T | undefined {
    return this.data.entries[key];
  }

  /** Records one entry and writes the file at once. */
  set(key: string, value: T): void {
    try {
      mkdirSync(join(dispatchHome(this.env), 'cache'), { recursive: true, mode: 0o700 });
      this.data.entries[key] = value;
      writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    } catch {
      // an unwritable home only costs the next probe
    }
  }
}
