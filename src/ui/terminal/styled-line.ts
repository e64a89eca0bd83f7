import { charWidth, textWidth } from './text-width.js';

/** Attributes (bold, dim, inverse) stay without colour; colours only where colour is wanted. */
export type Style = 'bold' | 'dim' | 'inverse' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';

export interface Segment {
  text: string;
  styles: readonly Style[];
}

/** A screen line as styled pieces, so it can be cut to the terminal width before escape codes. */
export type StyledLine = Segment[];

/** How much styling a frame gets: none (plain text, for tests and pipes), attributes, or full. */
export type StyleLevel = 'none' | 'attributes' | 'full';

const SGR: Record<Style, number> = {
  bold: 1,
  dim: 2,
  inverse: 7,
  red: 31,
  green: 32,
  yellow: 33,
  cyan: 36,
  magenta: 35,
};
const COLORS: ReadonlySet<Style> = new Set(['red', 'green', 'yellow', 'cyan', 'magenta']);

export function seg(text: string, ...styles: Style[]): Segment {
  return { text, styles };
}

export function lineWidth(line: StyledLine): number {
  return line.reduce((sum, piece) => sum + textWidth(piece.text), 0);
}

/** Adds a style to every piece of a line (the selected row, for instance). */
export function withStyle(line: StyledLine, style: Style): StyledLine {
  return line.map((piece) => ({ text: piece.text, styles: [...piece.styles, style] }));
}

function open(styles: readonly Style[], level: StyleLevel): string {
  const codes = styles
    .filter((style) => level === 'full' || !COLORS.has(style))
    .map((style) => SGR[style]);
  return codes.length > 0 ? `\u001b[${codes.join(';')}m` : '';
}

/**
 * The line cut to `width` columns and padded to exactly that (so an inverse row fills the
 * screen), with escape codes for the level asked for.
 */
export function renderLine(line: StyledLine, width: number, level: StyleLevel): string {
  let out = '';
  let used = 0;
  const total = lineWidth(line);
  for (const piece of line) {
    let text = '';
    for (const char of piece.text) {
      const w = charWidth(char);
      // Keep one column for "…" when the line does not fit.
      const limit = total > width ? width - 1 : width;
      if (used + w > limit) break;
      text += char;
      used += w;
    }
    const cut = text.length < piece.text.length;
    if (cut && used < width) {
      text += '…';
      used += 1;
    }
    const start = level === 'none' ? '' : open(piece.styles, level);
    out += start ? `${start}${text}\u001b[0m` : text;
    if (cut) break;
  }
  const last = line[line.length - 1];
  const padStyles = last ? last.styles.filter((s) => s === 'inverse') : [];
  const pad = ' '.repeat(Math.max(0, width - used));
  const padStart = level === 'none' ? '' : open(padStyles, level);
  return out + (padStart ? `${padStart}${pad}\u001b[0m` : pad);
}

/** The plain text of a line, for tests and for the line-per-change output. */
export function plainText(line: StyledLine): string {
  return line.map((piece) => piece.text).join('');
}
