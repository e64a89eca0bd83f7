import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileSystemError } from './file-error.js';
import { refuseSymlink } from './no-follow.js';

/**
 * Every file the program writes goes through here: the data lands in a uniquely named temp file
 * in the same folder and is renamed over the target, so a reader sees the old file or the new
 * one, never a torn one. Temp names end in `.tmp`, which the IPC protocol ignores. Files are
 * private (0600) unless a mode is given; neither the target nor its folder may be a symbolic
 * link (see no-follow.ts), and a full or read-only file system gives a one-line error naming the
 * file, with the temp file removed.
 */
export interface WriteOptions {
  mode?: number;
  /** Flush to disk before the rename (for files whose loss after a power cut matters). */
  fsync?: boolean;
}

export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

function writeTemp(target: string, data: string | Uint8Array, options: WriteOptions): string {
  refuseSymlink(dirname(target));
  refuseSymlink(target);
  const temp = tempPathFor(target);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', options.mode ?? 0o600);
  } catch (error) {
    throw fileSystemError(error, target);
  }
  try {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
    if (options.fsync) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(temp);
    throw fileSystemError(error, target);
  }
  closeSync(fd);
  return temp;
}

/** Replaces `target` atomically. */
export function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): void {
  const temp = writeTemp(target, data, options);
  try {
    renameSync(temp, target);
  } catch (error) {
    unlinkQuietly(temp);
    throw fileSystemError(error, target);
  }
}

/**
 * Creates `target` atomically and only if it does not exist yet (hard link of the temp file,
 * which fails with EEXIST instead of replacing). Returns false when the target already existed.
 */
export function writeFileExclusive(
  target: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): boolean {
  const temp = writeTemp(target, data, options);
  try {
    linkSync(temp, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // File systems without hard links: an exclusive create still never replaces an existing file.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP')
      return createExclusive(target, data, options);
    throw fileSystemError(error, target);
  } finally {
    unlinkQuietly(temp);
  }
}

function createExclusive(
  target: string,
  data: string | Uint8Array,
  options: WriteOptions,
): boolean {
  let fd: number;
  try {
    fd = openSync(target, 'wx', options.mode ?? 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileSystemError(error, target);
  }
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  } catch (error) {
    unlinkQuietly(target);
    throw fileSystemError(error, target);
  } finally {
    closeSync(fd);
  }
  return true;
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
