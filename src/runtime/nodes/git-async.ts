import { execFile } from 'node:child_process';
import { DispatchError } from '../../core/errors.js';
import type { GitResult } from '../worktree/git.js';

/**
 * git without blocking the node's event loop: a clone, fetch or push may take minutes, and
 * meanwhile the node's heartbeat and its BullMQ lease renewals must go on, or the node would be
 * taken for lost. Same rules as git(): an argv array, never a shell, and no prompts.
 */
export function gitAsync(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env },
      },
      (error, stdout, stderr) => {
        // A string code: git did not start; a number: it ran and exited with that status.
        const code: unknown = error?.code;
        if (typeof code === 'string')
          reject(
            new DispatchError(
              'state',
              code === 'ENOENT' ? 'git is not installed' : `cannot run git: ${error?.message}`,
            ),
          );
        else resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** gitAsync that must succeed: a failure quotes git's own message. */
export async function gitAsyncOk(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const result = await gitAsync(args, cwd, env);
  if (result.code !== 0)
    throw new DispatchError(
      'state',
      `git ${args[0] ?? ''} failed in ${cwd}: ${(result.stderr.trim() || result.stdout.trim()).split('\n').slice(-6).join('\n  ')}`,
    );
  return result.stdout;
}
