import type { BackendConfig } from '../config/config-types.js';
import type { Backend, BackendProblem, ParsedCommand } from './backend.js';

/**
 * Where the configured program is: found on PATH (or an executable path), missing, or named
 * through a shell variable, which only the shell that starts it resolves.
 */
export type ProgramLocation =
  { state: 'found'; path: string } | { state: 'missing' } | { state: 'shell-variable' };

/** What decides whether a worker starts at all, found by the runtime without running the CLI. */
export interface StartFacts {
  program: ProgramLocation;
  isRoot: boolean;
  /** The environment the worker gets: dispatch's own, overridden by the command's assignments. */
  env: NodeJS.ProcessEnv;
}

/**
 * Why a configured backend's worker will not start (empty when it will): its program is not on
 * PATH, or the CLI refuses to run under these facts (the backend's own `refusesToStart`). The
 * fixes name the config file and key to change.
 */
export function startProblems(
  backend: Backend,
  configured: BackendConfig,
  configFile: string | undefined,
  parsed: ParsedCommand,
  facts: StartFacts,
): BackendProblem[] {
  if (backend.builtIn) return [];
  const where = `backends.${configured.name}.command in ${configFile ?? 'the config'}`;
  if (facts.program.state === 'missing') {
    // A CLI of a known kind says how to install it; any other program is the user's own.
    const howTo = backend.programs.length > 0 ? ` (${backend.install})` : '';
    return [
      {
        message: parsed.program
          ? `\`${parsed.program}\` is not on PATH`
          : `the command "${configured.command}" names no program`,
        fix: parsed.program ? `Install it${howTo} or fix ${where}.` : `Fix ${where}.`,
      },
    ];
  }
  const env = { ...facts.env, ...parsed.assignments };
  return backend.refusesToStart?.(parsed, { ...facts, env }, where) ?? [];
}

/** The arguments the start probe adds to a configured command: every known CLI answers them and exits. */
export const START_PROBE_ARGS: readonly string[] = ['--version'];

/** What running the configured command with START_PROBE_ARGS gave. */
export interface ProbeRun {
  code: number | null;
  output: string;
}

/**
 * A configured command that exits with an error when only asked for its version (a broken
 * wrapper, a bad `env` prefix, a CLI that cannot load) exits at once for a worker too.
 */
export function exitsAtOnce(
  configured: BackendConfig,
  configFile: string | undefined,
  run: ProbeRun,
): BackendProblem | undefined {
  if (run.code === 0 || run.code === null) return undefined;
  const said = run.output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '');
  return {
    message: `the command exits at once (status ${run.code}${said ? `: ${said.slice(0, 200)}` : ''})`,
    fix: `Run \`${configured.command} ${START_PROBE_ARGS.join(' ')}\` in a shell to see why, and fix backends.${configured.name}.command in ${configFile ?? 'the config'}.`,
  };
}
