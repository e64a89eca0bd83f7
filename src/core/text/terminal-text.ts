/**
 * Worker text is shown, never obeyed: everything a worker wrote (its output, its plan, its
 * questions) passes through here before it reaches a terminal, so an escape sequence in it cannot
 * write the clipboard (OSC 52), clear the screen, retitle the window, move the cursor to paint
 * over earlier lines, or reorder text with bidirectional overrides.
 *
 * Removed whole, with their payload: CSI (ESC [ or U+009B … final byte), OSC (ESC ] or U+009D …
 * BEL or ST), DCS, SOS, PM and APC strings (ESC P, X, ^, _ or their C1 forms … ST), and two- or
 * three-character escapes (ESC 7, ESC c, ESC ( B). Removed alone: every other C0 and C1 control,
 * DEL and the bidirectional controls. Kept: newline and tab. A carriage return ends the line
 * (CRLF becomes one newline), so text a CR would overprint stays visible; backspaces are removed,
 * so they cannot erase what was printed.
 */

const ESC = 0x1b;
const BEL = 0x07;
/** C1 introducers and what they start. */
const CSI_C1 = 0x9b;
const OSC_C1 = 0x9d;
const ST_C1 = 0x9c;
const STRING_C1 = new Set([0x90, 0x98, 0x9e, 0x9f]); // DCS, SOS, PM, APC
const STRING_ESC = new Set(['P', 'X', '^', '_']);

function isBidiControl(code: number): boolean {
  return (
    (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0x061c
  );
}

/** Whether a code point is dropped when it stands alone. */
function isDropped(code: number): boolean {
  if (code === 0x0a || code === 0x09) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || isBidiControl(code);
}

/** Index after a CSI sequence whose parameters start at `i`. */
function skipCsi(text: string, i: number): number {
  while (i < text.length) {
    const code = text.charCodeAt(i);
    i++;
    if (code >= 0x40 && code <= 0x7e) return i;
    // A control inside a CSI aborts it (as terminals do); the control itself is dropped too.
    if (code < 0x20 && code !== ESC) return i;
    if (code === ESC) return i - 1;
  }
  return i;
}

/** Index after a string (OSC, DCS, …) whose payload starts at `i`: up to BEL or ST. */
function skipString(text: string, i: number, belEnds: boolean): number {
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === ST_C1 || (belEnds && code === BEL)) return i + 1;
    if (code === ESC) return text[i + 1] === '\\' ? i + 2 : i;
    i++;
  }
  return i;
}

/** Index after an escape sequence that starts with ESC at `i`. */
function skipEscape(text: string, i: number): number {
  const next = text[i + 1];
  if (next === undefined) return i + 1;
  if (next === '[') return skipCsi(text, i + 2);
  if (next === ']') return skipString(text, i + 2, true);
  if (STRING_ESC.has(next)) return skipString(text, i + 2, false);
  // ESC, any intermediates (space to /), then one final character.
  let j = i + 1;
  while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
  const final = text.charCodeAt(j);
  return final >= 0x30 && final <= 0x7e ? j + 1 : j;
}

/** The text with every control sequence removed; newlines and tabs kept. */
export function terminalText(text: string): string {
  let out = '';
  let i = 0;
  let plainFrom = 0;
  const flush = (to: number) => {
    if (to > plainFrom) out += text.slice(plainFrom, to);
  };
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (!isDropped(code)) {
      i++;
      continue;
    }
    flush(i);
    if (code === ESC) i = skipEscape(text, i);
    else if (code === CSI_C1) i = skipCsi(text, i + 1);
    else if (code === OSC_C1) i = skipString(text, i + 1, true);
    else if (STRING_C1.has(code)) i = skipString(text, i + 1, false);
    else if (code === 0x0d) {
      out += '\n';
      i += text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
    } else i++;
    plainFrom = i;
  }
  flush(i);
  return out;
}

/** Each string of a list through terminalText. */
export function terminalLines(lines: readonly string[]): string[] {
  return lines.map(terminalText);
}
