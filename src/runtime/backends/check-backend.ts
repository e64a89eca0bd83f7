import type { BackendConfig } from '../../core/config/config-types.js';
import type { BackendProblem } from '../../core/backends/backend.js';
import { backendFor } from '../../core/backends/backend-registry.js';
import { cliFacts } from './cli-facts.js';
import { findOnPath } from './find-on-path.js';
import { parseCommand } from '../../core/backends/parse-command.js';

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
 * opencode without --auto). For `dispatch doctor`, `dispatch init` and failure reports.
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
      problems: [
        {
          message: program
            ? `${program} is not installed (not found on PATH)`
            : `the command "${backend.command}" names no program`,
          fix: `${impl.install}, or fix the command of backend ${backend.name} in the config.`,
        },
      ],
    };
  }
  const facts = cliFacts(path, impl.helpArgs, env);
  const problems: BackendProblem[] = [];
  // A CLI of a known kind answers --version; any other program need not.
  if (!facts.version && impl.programs.length > 0) {
    problems.push({
      message: `\`${path} --version\` printed no version: the CLI may be broken`,
      fix: `Run \`${program} --version\` to see what is wrong, or reinstall it (${impl.install}).`,
    });
  }
  const flags = facts.flags.length > 0 ? new Set(facts.flags) : undefined;
  const own = impl.checkCommand(parsed, {
    version: facts.version,
    flags,
    env,
    isRoot: process.getuid?.() === 0,
  });
  if (flags) {
    for (const option of parsed.args.filter((arg) => /^--?[A-Za-z]/.test(arg))) {
      const name = option.replace(/=.*$/, '');
      if (flags.has(name) || own.some((problem) => problem.message.includes(name))) continue;
      problems.push({
        message:
          `${impl.label} ${facts.version ?? ''} does not list ${name} in \`${program} ${impl.helpArgs.join(' ')}\`: it will likely reject it`.replace(
            /\s+/g,
            ' ',
          ),
        fix: `Remove or replace ${name} in the command of backend ${backend.name}.`,
      });
    }
  }
  problems.push(...own);
  return { ok: problems.length === 0, version: facts.version, path, problems };
}
