import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DispatchError } from '../../core/errors.js';
import { writeFileAtomic, tempPathFor } from '../fs/atomic-write.js';
import { dispatchHome } from '../paths.js';
import { unsafeFolderReason } from './folder-safety.js';

/** 32 random bytes, hex: the secret that signs the launch records of this user's tasks. */
const KEY_BYTES = 32;

export function userKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dispatchHome(env), 'key');
}

/** Checked and read once per process and path: verifying 10,000 tasks costs one read. */
const cache = new Map<string, Buffer>();

function unsafeKey(path: string, why: string): DispatchError {
  return new DispatchError('untrusted', `refusing the signing key ${path}: ${why}`, {
    hint: `Only you may read or replace it: \`chmod 600 ${path}\` and \`chown $(id -un) ${path}\`, or remove it (tasks signed with it are then no longer trusted; see \`dispatch trust\`).`,
  });
}

/** Reads the key, refusing one that someone else could have written or read. */
function readKey(path: string): Buffer | undefined {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return undefined;
  }
  if (!stats.isFile()) throw unsafeKey(path, 'it is not a regular file');
  if (process.getuid && stats.uid !== process.getuid())
    throw unsafeKey(path, `it is owned by user ${stats.uid}`);
  if ((stats.mode & 0o077) !== 0)
    throw unsafeKey(path, `its mode ${(stats.mode & 0o777).toString(8)} lets others read it`);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  if (key.length !== KEY_BYTES) throw unsafeKey(path, 'it is not a key this program wrote');
  return key;
}

/**
 * The user's key, or undefined when there is none yet (then no task is trusted). Refuses a
 * dispatch home another user could write to: whoever can replace the key can forge tasks.
 */
export function findUserKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const path = userKeyPath(env);
  const cached = cache.get(path);
  if (cached) return cached;
  const home = dispatchHome(env);
  // The user's own settings folder may well be a link into their dotfiles.
  const unsafe = unsafeFolderReason(home, { followLinks: true });
  if (unsafe)
    throw new DispatchError('untrusted', `refusing the dispatch home ${home}: ${unsafe}`, {
      hint: `Make it yours and private: chown $(id -un) ${home} && chmod 700 ${home}`,
    });
  const key = readKey(path);
  if (key) cache.set(path, key);
  return key;
}

/**
 * The user's key, created on first use: written whole to a temp file and linked into place, so
 * two processes creating it at once end up with the same key (the second link fails and reads
 * the first one's).
 */
export function ensureUserKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const existing = findUserKey(env);
  if (existing) return existing;
  const path = userKeyPath(env);
  mkdirSync(dispatchHome(env), { recursive: true, mode: 0o700 });
  const temp = tempPathFor(path);
  writeFileAtomic(temp, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600 });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  const key = findUserKey(env);
  if (!key) throw unsafeKey(path, 'it could not be created');
  return key;
}
