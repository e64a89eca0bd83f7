import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import {
  ISOLATED_HOME_DIR,
  isolatedEnv,
  pickMembers,
  withMembers,
  type IsolatedHome,
  type KeptFile,
} from '../../core/backends/isolated-home.js';
import { DispatchError } from '../../core/errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { fileSystemError } from '../fs/file-error.js';
import { lstatQuietly, symlinkRefused } from '../fs/no-follow.js';
import { readFileNoFollow } from '../store/read-text.js';

/** A credential file larger than this is not one: it is left behind. */
const MAX_CREDENTIAL_BYTES = 1024 * 1024;

/** The isolated home of a task's worker: the same folder for every attempt, so sessions resume. */
export function isolatedHomeOf(taskDir: string): string {
  return join(taskDir, ISOLATED_HOME_DIR);
}

/**
 * Makes (or refreshes) a task's isolated home for its CLI and returns the variables that point
 * the CLI at it. The folders are private (0700) and made one level at a time without following
 * a link; the credentials are copied before each attempt when the operator's are newer, each
 * written atomically, 0600. What the CLI stored there itself, its sessions above all, stays.
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

/**
 * Copies one credential when the operator's file is newer than the worker's copy: a login the
 * operator renewed reaches the next attempt, and a token the worker's CLI renewed itself (whose
 * predecessor the provider may have revoked) is not replaced by the operator's older one.
 */
function copyCredential(taskDir: string, home: string, kept: KeptFile): void {
  const target = join(home, kept.to);
  const source = readOperatorFile(kept.from);
  if (source === undefined) return;
  const copy = lstatQuietly(target);
  if (copy?.isSymbolicLink()) throw symlinkRefused(target);
  if (copy && copy.mtimeMs >= source.mtimeMs) return;
  const data = kept.keys ? mergedMembers(source.data, target, kept.keys) : source.data;
  if (data === undefined) return;
  makePrivateDir(taskDir, dirname(target));
  writeFileAtomic(target, data, { mode: 0o600 });
}

/**
 * The operator's file and its modification time, or undefined when it is missing, unreadable or
 * too large to be a credential (the CLI then reports it is not logged in). The operator's own
 * files may be links (dotfile managers): those are followed.
 */
function readOperatorFile(path: string): { data: Buffer; mtimeMs: number } | undefined {
  try {
    const { mtimeMs, size } = statSync(path);
    if (size > MAX_CREDENTIAL_BYTES) return undefined;
    return { data: readFileSync(path), mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * The kept members of the operator's JSON file laid over the worker's own copy (which holds what
 * its CLI stored there), or undefined when the operator's file is not JSON or lacks them all.
 */
function mergedMembers(
  operator: Buffer,
  target: string,
  keys: readonly string[],
): string | undefined {
  let picked;
  try {
    picked = pickMembers(JSON.parse(operator.toString('utf8')), keys);
  } catch {
    return undefined;
  }
  if (!picked) return undefined;
  let own: unknown;
  try {
    own = JSON.parse(readFileNoFollow(target));
  } catch {
    own = undefined; // no copy yet, or one the CLI left unreadable: start from the members alone
  }
  return `${JSON.stringify(withMembers(own, picked, keys), null, 2)}\n`;
}
