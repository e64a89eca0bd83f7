import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileSystemError } from './file-error.js';
import { APPEND_FLAGS, openNoFollow, refuseSymlink } from './no-follow.js';

/** Lines at most this long are written by one write(2) with O_APPEND and so never interleave. */
export const MAX_ATOMIC_LINE = 4096;

/**
 * Appends one JSON line in a single O_APPEND write, never through a symbolic link. A line torn by
 * a crash or a full disk stays alone on its line: when the file does not end with a newline, the
 * new line starts with one, so the next record is never glued to the torn one.
 */
export function appendJsonLine(path: string, value: unknown, mode = 0o600): void {
  const line = `${JSON.stringify(value)}\n`;
  const bytes = Buffer.byteLength(line);
  if (bytes > MAX_ATOMIC_LINE) {
    throw new Error(
      `refusing to append a ${bytes}-byte line to ${path}: lines must stay under ${MAX_ATOMIC_LINE} bytes`,
    );
  }
  refuseSymlink(dirname(path));
  const fd = openNoFollow(path, APPEND_FLAGS, mode);
  try {
    const text = endsTorn(fd) ? `\n${line}` : line;
    writeSync(fd, text);
  } catch (error) {
    throw fileSystemError(error, path);
  } finally {
    closeSync(fd);
  }
}

function endsTorn(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}
