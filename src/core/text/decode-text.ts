import { DispatchError, type ErrorCode } from '../errors.js';

/**
 * Text a user hands over (a config, a plan file, a task on standard input) must be UTF-8 without
 * NUL bytes. Anything else would reach a worker or the parser silently mangled (invalid bytes
 * become U+FFFD, a NUL cuts a C string short), so it is refused with the byte offset, line and
 * column of the first bad byte.
 */
export function decodeText(
  bytes: Uint8Array,
  source: string,
  code: ErrorCode,
  options: { isFile?: boolean } = {},
): string {
  const nul = bytes.indexOf(0);
  const invalid = firstInvalidUtf8(bytes);
  const offset = nul >= 0 && (invalid < 0 || nul < invalid) ? nul : invalid;
  if (offset < 0) return new TextDecoder('utf-8').decode(bytes);
  const { line, column } = lineColumnAt(bytes, offset);
  const what =
    offset === nul
      ? 'contains a NUL byte'
      : `is not UTF-8 text (byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')})`;
  throw new DispatchError(
    code,
    `${source}: ${what} at byte offset ${offset} (line ${line}, column ${column})`,
    {
      location: options.isFile ? { file: source, line, column } : undefined,
      hint: 'Save it as UTF-8 text (for example `iconv -f latin1 -t utf-8 FILE`) and try again.',
    },
  );
}

/** Text that arrived already decoded (command-line arguments) carries U+FFFD for bytes that were not UTF-8. */
export function checkDecodedText(text: string, source: string, code: ErrorCode): void {
  const nul = text.indexOf('\0');
  const replaced = text.indexOf('\uFFFD');
  const index = nul >= 0 && (replaced < 0 || nul < replaced) ? nul : replaced;
  if (index < 0) return;
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  throw new DispatchError(
    code,
    `${source}: ${index === nul ? 'contains a NUL character' : 'contains bytes that are not UTF-8 (shown as U+FFFD)'} at character ${index} (line ${line}, column ${column})`,
    { hint: 'Pass the text as UTF-8 (convert it with iconv) and try again.' },
  );
}

function lineColumnAt(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(bytes);
    return -1;
  } catch {
    // find the offset: decode growing prefixes is quadratic, so walk the sequences by hand
  }
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/** The length of the well-formed UTF-8 sequence starting at i (RFC 3629), or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
