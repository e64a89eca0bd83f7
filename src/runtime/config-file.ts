import { mkdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { DispatchError } from '../core/errors.js';
import { decodeText } from '../core/text/decode-text.js';
import { builtinConfig } from '../core/config/builtin-config.js';
import type { Config } from '../core/config/config-types.js';
import type * as ParseConfigModule from '../core/config/parse-config.js';
import { writeFileAtomic } from './fs/atomic-write.js';
import { configPath, dispatchHome } from './paths.js';

/**
 * The config, read fast. Parsing YAML and validating the schema costs more than everything else
 * a short command does (the parser and validator libraries are large), so the validated result is
 * kept in ~/.dispatch/cache/config.json, keyed by the file's path, size, modification time and
 * inode and by this program's cache format. Only a changed file is parsed again, and only then
 * are the parser and validator loaded.
 */
type ConfigParser = typeof ParseConfigModule;

const CACHE_FORMAT = 1;
let parser: ConfigParser | undefined;
const memory = new Map<string, Config>();

/** Loads the YAML parser and schema validator; long-running processes call this once at start. */
export async function loadConfigParser(): Promise<void> {
  parser ??= await import('../core/config/parse-config.js');
}

function cacheFile(env: NodeJS.ProcessEnv): string {
  return join(dispatchHome(env), 'cache', 'config.json');
}

function stampOf(file: string, stats: Stats): string {
  return JSON.stringify([CACHE_FORMAT, file, stats.size, stats.mtimeMs, stats.ino]);
}

function readCache(env: NodeJS.ProcessEnv, stamp: string): Config | undefined {
  try {
    const cached = JSON.parse(readFileSync(cacheFile(env), 'utf8')) as {
      stamp: string;
      config: Config;
    };
    return cached.stamp === stamp ? cached.config : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(env: NodeJS.ProcessEnv, stamp: string, config: Config): void {
  try {
    mkdirSync(join(dispatchHome(env), 'cache'), { recursive: true, mode: 0o700 });
    writeFileAtomic(cacheFile(env), JSON.stringify({ stamp, config }), { mode: 0o600 });
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

function statConfig(file: string, env: NodeJS.ProcessEnv): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw unreadable(file, error);
    if (env.DISPATCH_CONFIG) {
      throw new DispatchError(
        'config',
        `config file ${file} (from DISPATCH_CONFIG) does not exist`,
        {
          hint: 'Point DISPATCH_CONFIG at an existing file, or unset it to use ~/.dispatch/config.yaml.',
        },
      );
    }
    return undefined;
  }
}

function unreadable(file: string, error: unknown): DispatchError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') {
    return new DispatchError('config', `${file} is a folder, not a config file`, {
      hint: 'Remove or rename the folder; `dispatch init` writes a config file there.',
    });
  }
  return new DispatchError('config', `cannot read ${file}: ${(error as Error).message}`, {
    hint: 'Check the file permissions (it should be readable by you: chmod 600).',
  });
}

/** The validated config from the cache, or undefined when the file must be parsed. */
function cachedConfig(env: NodeJS.ProcessEnv): { config?: Config; file: string; stamp?: string } {
  const file = configPath(env);
  const stats = statConfig(file, env);
  if (!stats) return { config: builtinConfig(), file };
  const stamp = stampOf(file, stats);
  const config = memory.get(stamp) ?? readCache(env, stamp);
  if (config) memory.set(stamp, config);
  return { config, file, stamp };
}

function parseAndCache(
  env: NodeJS.ProcessEnv,
  file: string,
  stamp: string,
  active: ConfigParser,
): Config {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  const config = active.parseConfig(decodeText(bytes, file, 'config', { isFile: true }), file);
  memory.set(stamp, config);
  writeCache(env, stamp, config);
  return config;
}

/**
 * Reads the user's config, or the built-in one (simulated worker only) when there is none.
 * Synchronous: the parser must have been loaded (loadConfigParser, or prepareConfig) unless the
 * cache is current.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { config, file, stamp } = cachedConfig(env);
  if (config) return config;
  if (!parser || !stamp) {
    throw new DispatchError('config', `${file} changed while this command ran`, {
      hint: 'Run the command again.',
    });
  }
  return parseAndCache(env, file, stamp, parser);
}

/** Makes loadConfig() ready: loads the parser only when the file changed since it was cached. */
export async function prepareConfig(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    if (cachedConfig(env).config) return;
  } catch {
    // the error is reported when a command reads the config
    return;
  }
  await loadConfigParser();
}
