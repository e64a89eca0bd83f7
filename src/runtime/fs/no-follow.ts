import { constants, lstatSync, openSync, type Stats } from 'node:fs';
import { DispatchError } from '../../core/errors.js';
import { fileSystemError } from './file-error.js';

/**
 * Nothing inside `.dispatch/` is followed through a symbolic link: a task folder is data that
 * anyone may have planted, and a link in it could aim a write, an append or a delete at a file
 * elsewhere. Opens use O_NOFOLLOW (the kernel refuses a link as the last component) and folders
 * are checked with lstat before they are listed or written into.
 */
export function symlinkRefused(path: string): DispatchError {
  return new DispatchError(
    'io',
    `${path} is a symbolic link; dispatch never follows links inside .dispatch/`,
    { hint: `Remove the link (rm ${JSON.stringify(path)}) or move the task folder aside.` },
  );
}

/** lstat without following; undefined when the path does not exist. */
export function lstatQuietly(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Throws when `path` is a symbolic link; a missing path is fine. */
export function refuseSymlink(path: string): void {
  if (lstatQuietly(path)?.isSymbolicLink()) throw symlinkRefused(path);
}

/** Whether `path` is a folder itself, not a link to one. */
export function isRealDir(path: string): boolean {
  return lstatQuietly(path)?.isDirectory() === true;
}

/**
 * open(2) that refuses a symbolic link as the last component, with a one-line error naming the
 * file for a link and for a file system that refuses (full, read-only, I/O error).
 */
export function openNoFollow(path: string, flags: number, mode = 0o600): number {
  try {
    return openSync(path, flags | constants.O_NOFOLLOW, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(path);
    throw fileSystemError(error, path);
  }
}

export const READ_FLAGS = constants.O_RDONLY;
/** Appends; readable too, so an append can look at the last byte first (see append-line.ts). */
export const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;
