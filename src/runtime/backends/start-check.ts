import { statSync } from 'node:fs';
import type { BackendProblem } from '../../core/backends/backend.js';
import { backendFor } from '../../core/backends/backend-registry.js';
import { parseCommand } from '../../core/backends/parse-command.js';
import { startProblems, type ProgramLocation } from '../../core/backends/start-check.js';
import type { Config } from '../../core/config/config-types.js';
import { FactsCache } from './facts-cache.js';
import { findOnPath } from './find-on-path.js';

/** A program found for one command line under one PATH, and its mtime when it was found. */
interface CachedLocation {
  path: string;
  mtimeMs: number;
}

const SIMPLE_VARIABLE = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/;

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Finds the program of a command line as the shell would: a plain `$NAME` is read from the
 * environment (unset means the shell runs nothing: missing); any other expansion is left to the
 * shell. A found program is remembered per command line and PATH in
 * DISPATCH_HOME/cache/start-checks.json (atomic, 0600) until its mtime changes; a missing one
 * is looked for again each time, so installing it is noticed at once.
 */
export function locateProgram(command: string, env: NodeJS.ProcessEnv): ProgramLocation {
  const parsed = parseCommand(command);
  const scope = { ...env, ...parsed.assignments };
  let program = parsed.program;
  const variable = program ? SIMPLE_VARIABLE.exec(program) : null;
  if (variable) program = scope[(variable[1] ?? variable[2]) as string] || undefined;
  if (program === undefined) return { state: 'missing' };
  if (program.includes('$') || program.includes('`')) return { state: 'shell-variable' };
  // Keyed by the command line and PATH: either changing misses.
  const cache = new FactsCache<CachedLocation>(env, 'start-checks');
  const key = `${command}\n${env.PATH ?? ''}`;
  const cached = cache.get(key);
  if (cached && mtimeOf(cached.path) === cached.mtimeMs)
    return { state: 'found', path: cached.path };
  const path = findOnPath(program, env);
  if (!path) return { state: 'missing' };
  const mtimeMs = mtimeOf(path);
  if (mtimeMs !== undefined) cache.set(key, { path, mtimeMs });
  return { state: 'found', path };
}

/**
 * Why a configured backend's workers will not start, from the facts found here (the program on
 * PATH, the user id, the environment) judged by the backend's start check. Takes a PATH search
 * and a stat: fast enough for `dispatch doctor`, the warm-up screen and every model list.
 */
export function checkStart(
  config: Config,
  backendName: string,
  env: NodeJS.ProcessEnv = process.env,
): BackendProblem[] {
  const configured = config.backends[backendName];
  if (!configured)
    return [{ message: `no backend named ${backendName}`, fix: 'Fix the model in the config.' }];
  const backend = backendFor(configured.type);
  if (backend.builtIn) return [];
  return startProblems(backend, configured, config.file, parseCommand(configured.command), {
    program: locateProgram(configured.command, env),
    isRoot: process.getuid?.() === 0,
    env,
  });
}
