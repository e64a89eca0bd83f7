import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { BackendProblem } from '../../core/backends/backend.js';
import { backendFor } from '../../core/backends/backend-registry.js';
import { parseCommand } from '../../core/backends/parse-command.js';
import { START_PROBE_ARGS, exitsAtOnce, startProblems } from '../../core/backends/start-check.js';
import type { BackendConfig, Config } from '../../core/config/config-types.js';
import { FactsCache } from './facts-cache.js';
import { runProbe } from './run-probe.js';
import { locateProgram } from './start-check.js';

/** A verdict of the probe, and when it was reached. */
interface CachedVerdict {
  at: number;
  problems: BackendProblem[];
}

/** A backend that starts is trusted for ten minutes; one that does not is asked again soon, after a fix. */
const READY_FOR_MS = 10 * 60_000;
const BROKEN_FOR_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 15_000;

/** Variables that decide whether a CLI finds its credentials and config (hashed into the key, never stored). */
const RELEVANT_ENV = /KEY|TOKEN|AUTH|API|BASE_URL|CONFIG|HOME|SANDBOX|PROVIDER|PATH/i;

function cacheKey(command: string, program: string, env: NodeJS.ProcessEnv): string {
  let mtime = 0;
  try {
    mtime = statSync(program).mtimeMs;
  } catch {
    // gone: the probe says so
  }
  const relevant = Object.keys(env)
    .filter((name) => RELEVANT_ENV.test(name))
    .sort()
    .map((name) => `${name}=${env[name] ?? ''}`);
  const identity = [command, program, mtime, process.getuid?.() ?? -1, ...relevant].join('\0');
  return createHash('sha256').update(identity).digest('hex');
}

/**
 * Why a configured backend's workers will not start, the static check (checkStart: the program
 * on PATH, what the CLI refuses) and then the installed CLI itself: the configured command run
 * as a worker runs it, asked only for its version, must not exit with an error ("exits at once"),
 * and a CLI that can say whether it is logged in (`claude auth status`) must say so. The probes of
 * one backend run together, bounded by `timeoutMs`; their verdict is kept in
 * DISPATCH_HOME/cache/start-probes.json (keyed by a hash of the command, the program and its
 * mtime, the user and the credential variables), so the next doctor or warm-up answers at once.
 * A probe that does not finish in time gives no verdict. Only CLIs of a known kind are run: a
 * program of the user's own is not started to be checked.
 */
export async function probeStart(
  config: Config,
  backendName: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { timeoutMs?: number } = {},
): Promise<BackendProblem[]> {
  const configured = config.backends[backendName];
  if (!configured)
    return [{ message: `no backend named ${backendName}`, fix: 'Fix the model in the config.' }];
  return probeBackend(configured, config.file, env, options);
}

/**
 * probeStart for one configured backend. `dispatch init` checks the commands it would write with
 * `runCommand: false`: they are its own defaults and the CLI's `--version` is asked already
 * (cli-facts.ts), so only the login is probed, and that partial verdict is not cached.
 */
export async function probeBackend(
  configured: BackendConfig,
  configFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: { timeoutMs?: number; runCommand?: boolean } = {},
): Promise<BackendProblem[]> {
  const runCommand = options.runCommand ?? true;
  const backend = backendFor(configured.type);
  if (backend.builtIn) return [];
  const parsed = parseCommand(configured.command);
  const location = locateProgram(configured.command, env);
  const found = startProblems(backend, configured, configFile, parsed, {
    program: location,
    isRoot: process.getuid?.() === 0,
    env,
  });
  if (found.length > 0) return found;
  if (backend.programs.length === 0) return [];
  if (location.state !== 'found') return [];
  const cache = new FactsCache<CachedVerdict>(env, 'start-probes');
  const key = cacheKey(configured.command, location.path, env);
  const cached = runCommand ? cache.get(key) : undefined;
  const age = cached ? Date.now() - cached.at : Number.POSITIVE_INFINITY;
  if (cached && age < (cached.problems.length === 0 ? READY_FOR_MS : BROKEN_FOR_MS))
    return cached.problems;

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Run as the worker wrapper runs it: the configured line through sh, the arguments as "$@".
  const version = runCommand
    ? runProbe(
        '/bin/sh',
        ['-c', `${configured.command} "$@"`, 'dispatch-start-check', ...START_PROBE_ARGS],
        { env, timeoutMs },
      )
    : undefined;
  const login = backend.loginCheck
    ? runProbe(location.path, backend.loginCheck.args, {
        env: { ...env, ...parsed.assignments },
        timeoutMs,
      })
    : undefined;
  const [ran, loggedIn] = await Promise.all([version, login]);
  const problems: BackendProblem[] = [];
  const decided = ran !== undefined && !ran.timedOut && ran.error === undefined;
  if (ran && decided) {
    const problem = exitsAtOnce(configured, configFile, { code: ran.code, output: ran.output });
    if (problem) problems.push(problem);
  }
  const loginDecided = loggedIn === undefined || (!loggedIn.timedOut && !loggedIn.error);
  if (loggedIn && loginDecided && problems.length === 0) {
    const problem = backend.loginCheck?.judge(loggedIn.stdout, loggedIn.code);
    if (problem) problems.push(problem);
  }
  if (runCommand && decided && loginDecided) cache.set(key, { at: Date.now(), problems });
  return problems;
}
