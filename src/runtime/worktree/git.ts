import { spawnSync } from 'node:child_process';
import { DispatchError } from '../../core/errors.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs git with an argv array (never a shell string, so branch names, titles and paths are never
 * parsed by a shell). Prompts are disabled: a command that would ask for input fails instead.
 */
export function git(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): GitResult {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new DispatchError(
      'state',
      code === 'ENOENT' ? 'git is not installed' : `cannot run git: ${result.error.message}`,
      { hint: 'Worktrees need git on PATH.' },
    );
  }
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** git that must succeed: a failure becomes a DispatchError quoting git's own message. */
export function gitOk(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = git(args, cwd, env);
  if (result.code !== 0) {
    const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-6).join('\n  ');
    throw new DispatchError('state', `git ${args[0] ?? ''} failed in ${cwd}: ${said}`, {
      hint: `The command was: git ${args.join(' ')}`,
    });
  }
  return result.stdout;
}
