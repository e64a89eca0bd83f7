import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import {
  ISOLATED_HOME_DIR,
  isolatedEnv,
  pickMembers,
  type IsolatedHome,
  type KeptFile,
} from '../../core/backends/isolated-home.js';
import { DispatchError } from '../../core/errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { fileSystemError } from '../fs/file-error.js';
import { lstatQuietly, symlinkRefused } from '../fs/no-follow.js';

/** A credential file larger than this is not one: it is left behind. */
const MAX_CREDENTIAL_BYTES = 1024 * 1024;

/** The isolated home of a task's worker: the same folder for every attempt, so sessions resume. */
export function isolatedHomeOf(taskDir: string): string {
  return join(taskDir, ISOLATED_HOME_DIR);
}

/**
 * Makes (or refreshes) a task's isolated home for its CLI and returns the variables that point
 * the CLI at it. The folders are private (0700) and made one level at a time without following
 * a link; the credentials are copied anew before each attempt (a login renewed by the operator
 * reaches a resumed worker), each written atomically, 0600. What the CLI stored there itself,
 * its sessions above all, stays.
 */
export function prepareIsolatedHome(
  taskDir: string,
  isolation: IsolatedHome,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const home = isolatedHomeOf(taskDir);
  makePrivateDir(taskDir, home);
  for (const sub of Object.values(isolation.folders))
    if (sub !== '.') makePrivateDir(taskDir, join(home, sub));
  const operatorHome = env.HOME || homedir();
  for (const kept of isolation.credentials(env, operatorHome)) copyCredential(taskDir, home, kept);
  return isolatedEnv(isolation, home);
}

/** Creates each missing folder from `base` down to `dir`, refusing any that is a link. */
function makePrivateDir(base: string, dir: string): void {
  let path = base;
  for (const part of relative(base, dir).split(sep).filter(Boolean)) {
    path = join(path, part);
    const stat = lstatQuietly(path);
    if (stat?.isSymbolicLink()) throw symlinkRefused(path);
    if (stat && !stat.isDirectory())
      throw new DispatchError('io', `${path} is not a folder; the worker's home cannot be made`, {
        hint: `Move ${JSON.stringify(path)} aside, then \`dispatch retry\`.`,
      });
    if (stat) continue;
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileSystemError(error, path);
      if (lstatQuietly(path)?.isSymbolicLink()) throw symlinkRefused(path);
    }
  }
}

function copyCredential(taskDir: string, home: string, kept: KeptFile): void {
  const data = readCredential(kept);
  if (data === undefined) return;
  const target = join(home, kept.to);
  makePrivateDir(taskDir, dirname(target));
  writeFileAtomic(target, data, { mode: 0o600 });
}

/** The operator's file, or its kept members; undefined when there is nothing to copy. */
function readCredential(kept: KeptFile): string | Buffer | undefined {
  // The operator's own files may be links (dotfile managers): those are followed. A file that
  // is missing or unreadable is not copied; the CLI then reports it is not logged in.
  let data: Buffer;
  try {
    data = readFileSync(kept.from);
  } catch {
    return undefined;
  }
  if (data.length > MAX_CREDENTIAL_BYTES) return undefined;
  if (!kept.keys) return data;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  const picked = pickMembers(parsed, kept.keys);
  return picked && `${JSON.stringify(picked, null, 2)}\n`;
}
