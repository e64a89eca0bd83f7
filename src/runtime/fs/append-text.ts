import { closeSync, constants, openSync, writeSync } from 'node:fs';

/**
 * Appends text to an existing file with one O_APPEND write, without replacing the file: used for
 * dispatcher notes, so a worker that edits plan.md at the same moment keeps its edit. Fails if
 * the file does not exist (a note must not create a plan).
 */
export function appendToExistingFile(path: string, text: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND);
  try {
    const buffer = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
  } finally {
    closeSync(fd);
  }
}
