import { appendFileSync } from 'node:fs';

/** Lines at most this long are written by one write(2) with O_APPEND and so never interleave. */
export const MAX_ATOMIC_LINE = 4096;

/** Appends one JSON line in a single O_APPEND write. */
export function appendJsonLine(path: string, value: unknown, mode = 0o644): void {
  const line = `${JSON.stringify(value)}\n`;
  const bytes = Buffer.byteLength(line);
  if (bytes > MAX_ATOMIC_LINE) {
    throw new Error(
      `refusing to append a ${bytes}-byte line to ${path}: lines must stay under ${MAX_ATOMIC_LINE} bytes`,
    );
  }
  appendFileSync(path, line, { mode });
}
