import { closeSync, constants, fstatSync, ftruncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileSystemError } from './file-error.js';
import { openNoFollow, refuseSymlink } from './no-follow.js';

/**
 * Appends text to an existing file with one O_APPEND write, without replacing the file: used for
 * dispatcher notes, so a worker that edits plan.md at the same moment keeps its edit. Fails if
 * the file does not exist (a note must not create a plan) or is a symbolic link. A write the
 * file system cuts short (full disk) is taken back, so the file never keeps half a note.
 */
export function appendToExistingFile(path: string, text: string): void {
  refuseSymlink(dirname(path));
  const fd = openNoFollow(path, constants.O_WRONLY | constants.O_APPEND);
  const before = fstatSync(fd).size;
  let written = 0;
  try {
    const buffer = Buffer.from(text, 'utf8');
    while (written < buffer.length)
      written += writeSync(fd, buffer, written, buffer.length - written);
  } catch (error) {
    // Only our own bytes are taken back: if anyone else wrote meanwhile, the size tells.
    if (written > 0 && fstatSync(fd).size === before + written) ftruncateSync(fd, before);
    throw fileSystemError(error, path);
  } finally {
    closeSync(fd);
  }
}
