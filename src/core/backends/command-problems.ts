import type { BackendConfig } from '../config/config-types.js';
import type { Backend, BackendProblem, CommandFacts, ParsedCommand } from './backend.js';

/** The problem of a configured command whose program is not on PATH (or that names none). */
export function notInstalled(
  backend: Backend,
  configured: BackendConfig,
  program: string | undefined,
): BackendProblem {
  return {
    message: program
      ? `${program} is not installed (not found on PATH)`
      : `the command "${configured.command}" names no program`,
    fix: `${backend.install}, or fix the command of backend ${configured.name} in the config.`,
  };
}

/**
 * What is wrong with a configured command, judged from what the installed CLI says about itself
 * (its version, the options its help lists): a CLI of a known kind that prints no version, an
 * option the help does not list (the installed version will likely reject it), and the
 * backend's own rules.
 */
export function commandProblems(
  backend: Backend,
  configured: BackendConfig,
  parsed: ParsedCommand,
  path: string,
  facts: CommandFacts,
): BackendProblem[] {
  const program = parsed.program;
  const problems: BackendProblem[] = [];
  // A CLI of a known kind answers --version; any other program need not.
  if (!facts.version && backend.programs.length > 0) {
    problems.push({
      message: `\`${path} --version\` printed no version: the CLI may be broken`,
      fix: `Run \`${program} --version\` to see what is wrong, or reinstall it (${backend.install}).`,
    });
  }
  const own = backend.checkCommand(parsed, facts);
  const flags = facts.flags;
  if (flags) {
    for (const option of parsed.args.filter((arg) => /^--?[A-Za-z]/.test(arg))) {
      const name = option.replace(/=.*$/, '');
      if (flags.has(name) || own.some((problem) => problem.message.includes(name))) continue;
      problems.push({
        message:
          `${backend.label} ${facts.version ?? ''} does not list ${name} in \`${program} ${backend.helpArgs.join(' ')}\`: it will likely reject it`.replace(
            /\s+/g,
            ' ',
          ),
        fix: `Remove or replace ${name} in the command of backend ${configured.name}.`,
      });
    }
  }
  problems.push(...own);
  return problems;
}
