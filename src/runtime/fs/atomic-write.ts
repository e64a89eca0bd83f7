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

/**
 * Every file the program writes goes through here: the data lands in a uniquely named temp file
 * in the same folder and is renamed over the target, so a reader sees the old file or the new
 * one, never a torn one. Temp names end in `.tmp`, which the IPC protocol ignores.
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
  const temp = tempPathFor(target);
  const fd = openSync(temp, 'wx', options.mode ?? 0o644);
  try {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
    if (options.fsync) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(temp);
    throw error;
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
    throw error;
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
    throw error;
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
    fd = openSync(target, 'wx', options.mode ?? 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
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
