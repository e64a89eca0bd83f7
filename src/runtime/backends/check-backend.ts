import type { BackendProblem } from '../../core/backends/backend.js';
import { backendFor } from '../../core/backends/backend-registry.js';
import { commandProblems, notInstalled } from '../../core/backends/command-problems.js';
import { parseCommand } from '../../core/backends/parse-command.js';
import type { BackendConfig } from '../../core/config/config-types.js';
import { cliFacts } from './cli-facts.js';
import { locateProgram } from './start-check.js';
import { probeBackend } from './start-probe.js';

export interface BackendCheck {
  /** No problems found. */
  ok: boolean;
  /** The installed CLI's version, when it told one. */
  version: string | undefined;
  /** Where the program was found on PATH. */
  path: string | undefined;
  problems: BackendProblem[];
}

/**
 * Checks one configured backend against the CLI installed here, for `dispatch init`: the start
 * probe doctor and the warm-up run (probeBackend: the program found as a worker finds it, what
 * the CLI refuses to run under, a CLI that is not logged in; the default command init writes is
 * not run, its CLI's `--version` is asked below),
 * and what the installed CLI says about itself: its version (`--version`, cached per binary),
 * whether its help lists every option the command uses (so a flag the installed version rejects,
 * such as --full-auto on current Codex, is named before a worker dies of it), and the backend's
 * own rules (Codex without --skip-git-repo-check, Gemini without --yolo or --skip-trust, opencode
 * without --auto). The judging is the core's (`startProblems`, `commandProblems`); this only
 * finds and asks the program.
 */
export async function checkBackend(
  backend: BackendConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackendCheck> {
  const impl = backendFor(backend.type);
  if (impl.builtIn) return { ok: true, version: undefined, path: undefined, problems: [] };
  const parsed = parseCommand(backend.command);
  const location = locateProgram(backend.command, env);
  if (location.state !== 'found') {
    return {
      ok: false,
      version: undefined,
      path: undefined,
      problems: [notInstalled(impl, backend, parsed.program)],
    };
  }
  const path = location.path;
  const facts = cliFacts(path, impl.helpArgs, env);
  const problems = commandProblems(impl, backend, parsed, path, {
    version: facts.version,
    flags: facts.flags.length > 0 ? new Set(facts.flags) : undefined,
    env,
    isRoot: process.getuid?.() === 0,
  });
  // The same rule may show in both (Claude Code as root): said once, with the command's advice.
  for (const problem of await probeBackend(backend, undefined, env, { runCommand: false }))
    if (!problems.some((known) => known.message === problem.message)) problems.push(problem);
  return { ok: problems.length === 0, version: facts.version, path, problems };
}
