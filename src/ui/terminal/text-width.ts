import { terminalText } from '../../core/text/terminal-text.js';

/**
 * Terminal text measuring. Task text comes from workers and users, so it is cleaned of control
 * characters (an escape sequence in a question must not drive the terminal) before it is shown.
 */

/** C0 and C1 control characters and DEL. */
export function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** Bidirectional overrides and isolates, which would reorder the rest of a line. */
function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

const COMBINING = /^[\p{Mn}\p{Me}]$/u;

const WIDE_RANGES: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

/**
 * One line of printable text: escape sequences removed with their payload (core/text), white
 * space runs become one space, any control left becomes "?".
 */
export function cleanText(text: string): string {
  let out = '';
  for (const char of terminalText(text).replace(/[\t\r\n]+/g, ' '))
    out += isControl(char) || isBidiControl(char.codePointAt(0) ?? 0) ? '?' : char;
  return out.trim();
}

/** Columns a character takes: 0 for combining marks, 2 for wide East Asian and emoji, else 1. */
export function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (COMBINING.test(char) || (code >= 0x200b && code <= 0x200f)) return 0;
  for (const [low, high] of WIDE_RANGES) if (code >= low && code <= high) return 2;
  return 1;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** Cuts text to at most `width` columns, ending with "…" when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/** Pads (or cuts) text to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
}

/** Word-wraps one line of text to `width` columns; words longer than a line are cut hard. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (textWidth(line) > width) {
      let head = '';
      let used = 0;
      const chars = Array.from(line);
      let i = 0;
      for (; i < chars.length; i++) {
        const w = charWidth(chars[i] as string);
        // At least one character per line, so a wide character in a 1-column line cannot loop.
        if (used + w > width && i > 0) break;
        head += chars[i];
        used += w;
      }
      lines.push(head);
      line = chars.slice(i).join('');
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
