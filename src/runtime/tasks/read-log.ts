import { closeSync, fstatSync, readSync } from 'node:fs';
import { READ_FLAGS, openNoFollow } from '../fs/no-follow.js';

/** Opens a log for reading, never through a symbolic link; undefined when it is missing. */
function openLog(path: string): number | undefined {
  try {
    return openNoFollow(path, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The last `lines` lines of a log, reading at most the last 64 KiB. */
export function logTail(path: string, lines = 10): string[] {
  let fd: number | undefined;
  try {
    fd = openLog(path);
  } catch {
    return [];
  }
  if (fd === undefined) return [];
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').replace(/\r/g, '');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-lines);
  } finally {
    closeSync(fd);
  }
}

/**
 * What a log holds from `offset` on, and where it ends (0 again when it was truncated).
 * Throws for a log that is a symbolic link.
 */
export function readLogFrom(path: string, offset: number): { text: string; end: number } {
  const fd = openLog(path);
  if (fd === undefined) return { text: '', end: offset };
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { text: '', end: size < offset ? 0 : offset };
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return { text: buffer.toString('utf8'), end: size };
  } finally {
    closeSync(fd);
  }
}
