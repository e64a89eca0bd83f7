import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The last `lines` lines of a log, reading at most the last 64 KiB. */
export function logTail(path: string, lines = 10): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = statSync(path).size;
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
