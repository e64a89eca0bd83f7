import { spawnSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { FactsCache } from './facts-cache.js';

/** What an installed agent CLI says about itself: its version and the options its help lists. */
export interface CliFacts {
  version: string | undefined;
  /** Every option its help text names, e.g. "--yolo", "-p". */
  flags: string[];
}

const PROBE_TIMEOUT_MS = 20_000;

/** The version in `--version` output: the first x.y.z, e.g. "2.1.330 (Claude Code)" → 2.1.330. */
export function parseVersion(output: string): string | undefined {
  return /\b(\d+\.\d+\.\d+(?:[-+][\w.]+)?)\b/.exec(output)?.[1];
}

/** The options a help text lists: words such as --yolo or -p at the start or after a comma. */
export function parseHelpFlags(help: string): string[] {
  const flags = new Set<string>();
  for (const match of help.matchAll(/(?:^|[\s,[(|])(--?[A-Za-z][\w-]*)/gm))
    flags.add(match[1] as string);
  return [...flags];
}

function probe(path: string, args: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const result = spawnSync(path, [...args], {
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, NO_COLOR: '1' },
  });
  if (result.error) return undefined;
  return `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
}

/**
 * Runs `<program> --version` and `<program> <helpArgs>` once per installed binary and remembers
 * the answers in DISPATCH_HOME/cache/agent-clis.json (written atomically), keyed by the
 * binary's real path, size and mtime, so `dispatch init`, doctor and status stay fast and an
 * upgrade is noticed.
 */
export function cliFacts(
  path: string,
  helpArgs: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CliFacts {
  let key: string;
  try {
    const real = realpathSync(path);
    const stat = statSync(real);
    key = `${real}|${stat.size}|${Math.floor(stat.mtimeMs)}|${helpArgs.join(' ')}`;
  } catch {
    return { version: undefined, flags: [] };
  }
  // Keyed by the program's real path, size and modification time: an upgrade misses.
  const cache = new FactsCache<CliFacts>(env, 'agent-clis');
  const cached = cache.get(key);
  if (cached) return cached;
  const versionOutput = probe(path, ['--version'], env);
  const helpOutput = helpArgs.length > 0 ? probe(path, helpArgs, env) : undefined;
  const facts: CliFacts = {
    version: versionOutput ? parseVersion(versionOutput) : undefined,
    flags: helpOutput ? parseHelpFlags(helpOutput) : [],
  };
  // Cache only a successful probe; a CLI that failed to answer is asked again next time.
  if (facts.version) cache.set(key, facts);
  return facts;
}
