import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Runs git in `dir` (argv array, no shell) and returns its standard output. */
export function gitIn(dir: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
}

/** A fresh repository in `dir` with a local identity and one commit of `files`. */
export function initRepo(dir: string, files: Record<string, string>): string {
  gitIn(dir, ['init', '--quiet', '--initial-branch=main']);
  gitIn(dir, ['config', 'user.name', 'Dispatch Test']);
  gitIn(dir, ['config', 'user.email', 'test@example.invalid']);
  gitIn(dir, ['config', 'commit.gpgsign', 'false']);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  gitIn(dir, ['add', '--all']);
  gitIn(dir, ['commit', '--quiet', '-m', 'initial commit']);
  return gitIn(dir, ['rev-parse', 'HEAD']).trim();
}
