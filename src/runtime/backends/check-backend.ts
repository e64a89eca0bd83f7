import type { BackendProblem } from '../../core/backends/backend.js';
import { backendFor } from '../../core/backends/backend-registry.js';
import { commandProblems, notInstalled } from '../../core/backends/command-problems.js';
import { parseCommand } from '../../core/backends/parse-command.js';
import type { BackendConfig } from '../../core/config/config-types.js';
import { cliFacts } from './cli-facts.js';
import { findOnPath } from './find-on-path.js';

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
 * Checks one configured backend against the CLI installed here: is its program on PATH, what
 * version is it (`--version`, cached per binary), does its help list every option the command
 * uses (so a flag the installed version rejects, such as --full-auto on current Codex, is named
 * before a worker dies of it), and the backend's own rules (Claude Code as root without
 * IS_SANDBOX=1, Codex without --skip-git-repo-check, Gemini without --yolo or --skip-trust,
 * opencode without --auto). For `dispatch doctor`, `dispatch init` and failure reports. The
 * judging is the core's (`commandProblems`); this only finds and asks the program.
 */
export function checkBackend(
  backend: BackendConfig,
  env: NodeJS.ProcessEnv = process.env,
): BackendCheck {
  const impl = backendFor(backend.type);
  if (impl.builtIn) return { ok: true, version: undefined, path: undefined, problems: [] };
  const parsed = parseCommand(backend.command);
  const program = parsed.program;
  const path = program && !program.includes('$') ? findOnPath(program, env) : undefined;
  if (!path) {
    return {
      ok: false,
      version: undefined,
      path: undefined,
      problems: [notInstalled(impl, backend, program)],
    };
  }
  const facts = cliFacts(path, impl.helpArgs, env);
  const problems = commandProblems(impl, backend, parsed, path, {
    version: facts.version,
    flags: facts.flags.length > 0 ? new Set(facts.flags) : undefined,
    env,
    isRoot: process.getuid?.() === 0,
  });
  return { ok: problems.length === 0, version: facts.version, path, problems };
}
