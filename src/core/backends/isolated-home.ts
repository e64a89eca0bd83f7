import { join } from 'node:path';

/**
 * One file of the operator's own that a worker with an isolated home still gets: a credential
 * the CLI needs to authenticate, copied in before each attempt.
 */
export interface KeptFile {
  /** The operator's file (absolute). A missing one is skipped: the CLI may use a key from env. */
  from: string;
  /** Where it goes, relative to the isolated home. */
  to: string;
  /**
   * For a JSON file that mixes credentials with settings: only these members are copied, each a
   * dotted path ("security.auth"); everything else in the file stays behind.
   */
  keys?: readonly string[];
}

/**
 * How a CLI runs with a home of its own, so the operator's instruction files, settings, skills,
 * hooks, MCP servers and plugins stay out of the worker while its credentials come along. Data
 * of the backend's descriptor; the runtime builds the folder and sets the variables at spawn.
 */
export interface IsolatedHome {
  /**
   * The CLI's own variables that move its configuration: name → folder inside the isolated home
   * ('.' for the home itself).
   */
  folders: Readonly<Record<string, string>>;
  /** Variables set to fixed values: switches that stop the CLI reading other tools' files. */
  switches?: Readonly<Record<string, string>>;
  /**
   * The credentials to copy in, found where the operator's CLI keeps them: `env` is the worker's
   * environment before isolation (a CLAUDE_CONFIG_DIR or CODEX_HOME there is honoured), `home`
   * the operator's home folder.
   */
  credentials(env: NodeJS.ProcessEnv, home: string): KeptFile[];
  /** In words, for `dispatch doctor` and the docs: what the worker still gets. */
  keeps: string;
  /** In words: what the worker no longer sees. */
  hides: string;
}

/** The folder of a task that holds its worker's isolated home. */
export const ISOLATED_HOME_DIR = 'home';

/** A folder named by an environment variable, or the default when it is unset or empty. */
export function folderFrom(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name];
  return value !== undefined && value !== '' ? value : fallback;
}

/** The variables that point the CLI at the isolated home `dir`, switches included. */
export function isolatedEnv(isolation: IsolatedHome, dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, sub] of Object.entries(isolation.folders))
    env[name] = sub === '.' ? dir : join(dir, sub);
  return { ...env, ...isolation.switches };
}

/** Copies the members named by dotted paths from `source` into `target`; false if none was there. */
function copyMembers(
  source: Record<string, unknown>,
  target: Record<string, unknown>,
  paths: readonly string[],
): boolean {
  let found = false;
  for (const path of paths) {
    const parts = path.split('.');
    let value: unknown = source;
    for (const part of parts) value = isObject(value) ? value[part] : undefined;
    if (value === undefined) continue;
    let into = target;
    for (const part of parts.slice(0, -1)) {
      const next = into[part];
      into = (into[part] = isObject(next) ? next : {}) as Record<string, unknown>;
    }
    into[parts[parts.length - 1] as string] = value;
    found = true;
  }
  return found;
}

/**
 * The members of a parsed JSON object named by dotted paths, in the same nesting; undefined
 * when the value is not an object or none of the paths is present.
 */
export function pickMembers(
  value: unknown,
  paths: readonly string[],
): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  const picked: Record<string, unknown> = {};
  return copyMembers(value, picked, paths) ? picked : undefined;
}

/**
 * `base` (the CLI's own copy of a state file) with the members named by dotted paths replaced by
 * those of `picked`; the rest of what the CLI stored there stays.
 */
export function withMembers(
  base: unknown,
  picked: Record<string, unknown>,
  paths: readonly string[],
): Record<string, unknown> {
  const result: Record<string, unknown> = isObject(base) ? structuredClone(base) : {};
  copyMembers(picked, result, paths);
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
