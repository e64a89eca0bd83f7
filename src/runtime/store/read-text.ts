import { closeSync, fstatSync, lstatSync, readSync, readdirSync } from 'node:fs';
import { isDispatchError } from '../../core/errors.js';
import { dirname } from 'node:path';
import { READ_FLAGS, isRealDir, openNoFollow, refuseSymlink } from '../fs/no-follow.js';

export const MAX_PLAN_BYTES = 1024 * 1024;
export const MAX_QUESTION_BYTES = 64 * 1024;

export type TextRead =
  { ok: true; text: string; truncated: boolean } | { ok: false; problem: string; missing: boolean };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a text file the program does not control (the worker writes it): refuses binary, non-UTF-8
 * or oversized content and symbolic links with a message instead of throwing, and reads at most
 * `limit` bytes.
 */
export function readTextFile(
  path: string,
  limit: number,
  options: { truncate?: boolean } = {},
): TextRead {
  let fd: number;
  try {
    fd = openNoFollow(path, READ_FLAGS);
  } catch (error) {
    if (isDispatchError(error)) return { ok: false, missing: false, problem: error.message };
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      missing: code === 'ENOENT',
      problem: code === 'ENOENT' ? `${path} is missing` : `cannot read ${path}: ${code}`,
    };
  }
  try {
    const size = fstatSync(fd).size;
    if (size > limit && !options.truncate) {
      return {
        ok: false,
        missing: false,
        problem: `${path} is ${formatBytes(size)}, over the ${formatBytes(limit)} limit for this file; it was left untouched`,
      };
    }
    const buffer = Buffer.alloc(Math.min(size, limit));
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const bytes = buffer.subarray(0, read);
    if (bytes.includes(0))
      return {
        ok: false,
        missing: false,
        problem: `${path} contains binary data (NUL bytes), not text`,
      };
    try {
      // A truncated read may cut a multi-byte character: drop an incomplete tail before decoding.
      const text = decoder.decode(size > limit ? trimPartialUtf8(bytes) : bytes);
      return { ok: true, text, truncated: size > limit };
    } catch {
      return { ok: false, missing: false, problem: `${path} is not valid UTF-8 text` };
    }
  } catch (error) {
    // A folder where the file belongs (EISDIR), or a failing disk: a problem to show, not a crash.
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      missing: false,
      problem:
        code === 'EISDIR'
          ? `${path} is a folder, not a file`
          : `cannot read ${path}: ${code ?? (error as Error).message}`,
    };
  } finally {
    closeSync(fd);
  }
}

function trimPartialUtf8(bytes: Buffer): Buffer {
  let end = bytes.length;
  let back = 0;
  while (end - back - 1 >= 0 && back < 4 && ((bytes[end - back - 1] as number) & 0xc0) === 0x80)
    back++;
  const lead = bytes[end - back - 1];
  if (lead !== undefined && lead >= 0xc0) {
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (back + 1 < need) end = end - back - 1;
  }
  return bytes.subarray(0, end);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A whole small file the program wrote itself (task.json, events.jsonl, a note), never through a
 * symbolic link, neither the file nor its folder: throws for a link as for a missing file.
 */
export function readFileNoFollow(path: string): string {
  refuseSymlink(dirname(path));
  const fd = openNoFollow(path, READ_FLAGS);
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

/** Modification time without following a link; 0 when missing. */
export function mtimeMs(path: string): number {
  try {
    return lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/**
 * The names in a folder inside `.dispatch/`; nothing when it is a symbolic link (never followed).
 * With `foldersOnly`, only the sub-folders that are folders themselves, not links to one.
 */
export function listRealDir(path: string, foldersOnly = false): string[] {
  if (!isRealDir(path)) return [];
  if (!foldersOnly) return listDir(path);
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
