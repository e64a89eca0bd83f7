import { markerFromChar } from './markers.js';
import type { DispatcherNote, Plan, PlanItem } from './plan-types.js';

/** `- [x] text`, `* [ ] text`, `+ [?] text`, `1. [!] text`, `2) [X] text`, at any indentation. */
export const ITEM_PATTERN = /^(\s*)([-*+]|\d{1,9}[.)])[ \t]+\[([ xX?!])\](?:[ \t]+(.*?)|)[ \t]*$/;
// A closing run of # counts only after white space, so "# Port to C#" keeps its "#".
const HEADING_PATTERN = /^\s{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE_PATTERN = /^\s*(`{3,}|~{3,})(.*)$/;
export const NOTE_PATTERN = /^\s*>\s*\*\*Note from dispatcher:\*\*[ \t]?(.*)$/;
const QUOTE_CONTINUATION = /^\s*>[ \t]?(.*)$/;

/** Splits text into lines that keep their endings, so `lines.join('')` is the input again. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function lineContent(line: string): string {
  return line.replace(/\r?\n$/, '').replace(/^\uFEFF/, '');
}

function indentWidth(whitespace: string): number {
  let width = 0;
  for (const char of whitespace) width += char === '\t' ? 4 : 1;
  return width;
}

function isBlank(content: string): boolean {
  return content.trim() === '';
}

/**
 * Which lines are inside a fenced code block (``` or ~~~, fence lines included): they are code,
 * not items, headings or notes. A fence that is never closed hides nothing, so one stray ``` in a
 * plan cannot make the rest of the checklist disappear.
 */
export function fencedLines(contents: string[]): boolean[] {
  const fenced = contents.map(() => false);
  for (let i = 0; i < contents.length; i++) {
    const open = FENCE_PATTERN.exec(contents[i] ?? '');
    const fence = open?.[1];
    if (!fence || (fence.startsWith('`') && (open[2] ?? '').includes('`'))) continue;
    let close = i + 1;
    while (close < contents.length && !isClosingFence(contents[close] ?? '', fence)) close++;
    if (close >= contents.length) continue;
    for (let j = i; j <= close; j++) fenced[j] = true;
    i = close;
  }
  return fenced;
}

function isClosingFence(content: string, fence: string): boolean {
  const run = /^\s*(`{3,}|~{3,})\s*$/.exec(content)?.[1];
  return run !== undefined && run[0] === fence[0] && run.length >= fence.length;
}

/**
 * Parses a plan file. Never fails: text that is not an item, a heading or a dispatcher note is
 * kept as it is in `lines`, so any file round-trips byte for byte.
 */
export function parsePlan(text: string): Plan {
  const lines = splitLines(text);
  const contents = lines.map(lineContent);
  const fenced = fencedLines(contents);
  const items: PlanItem[] = [];
  const notes: DispatcherNote[] = [];
  let title: string | undefined;
  const indentStack: number[] = [];

  for (let i = 0; i < contents.length; i++) {
    if (fenced[i]) continue;
    const content = contents[i] ?? '';
    const item = ITEM_PATTERN.exec(content);
    if (item) {
      const indent = indentWidth(item[1] ?? '');
      while (indentStack.length > 0 && (indentStack[indentStack.length - 1] ?? 0) >= indent) {
        indentStack.pop();
      }
      const depth = indentStack.length;
      indentStack.push(indent);
      const marker = markerFromChar(item[3] ?? ' ') ?? 'pending';
      const detailLineCount = countDetailLines(
        contents,
        fenced,
        i,
        indent,
        marker !== 'pending' && marker !== 'done',
      );
      const detailText = contents
        .slice(i + 1, i + 1 + detailLineCount)
        .map((line) => line.trim())
        .join('\n');
      items.push({
        index: items.length,
        line: i,
        indent,
        depth,
        marker,
        text: (item[4] ?? '').trim(),
        detail: detailLineCount > 0 ? detailText : undefined,
        detailLineCount,
      });
      i += detailLineCount;
      continue;
    }
    const note = NOTE_PATTERN.exec(content);
    if (note) {
      const parts = [note[1] ?? ''];
      let j = i + 1;
      for (; j < contents.length; j++) {
        const next = contents[j] ?? '';
        if (NOTE_PATTERN.test(next)) break;
        const quoted = QUOTE_CONTINUATION.exec(next);
        if (!quoted) break;
        parts.push(quoted[1] ?? '');
      }
      notes.push({ line: i, text: parts.join('\n').trim() });
      i = j - 1;
      continue;
    }
    const heading = HEADING_PATTERN.exec(content);
    if (heading && title === undefined && heading[1] === '#') title = (heading[2] ?? '').trim();
  }
  return { lines, title, items, notes };
}

/**
 * Lines under an item that belong to it: indented deeper than the item and not items themselves.
 * For a blocked or errored item the line right after it counts even when not indented, because
 * workers often write "Question: …" flush left.
 */
function countDetailLines(
  contents: string[],
  fenced: boolean[],
  itemLine: number,
  indent: number,
  wantsDetail: boolean,
): number {
  let count = 0;
  for (let j = itemLine + 1; j < contents.length; j++) {
    const content = contents[j] ?? '';
    if (isBlank(content)) break;
    if (
      !fenced[j] &&
      (ITEM_PATTERN.test(content) || HEADING_PATTERN.test(content) || NOTE_PATTERN.test(content))
    )
      break;
    const lineIndent = indentWidth(/^\s*/.exec(content)?.[0] ?? '');
    const flushAllowed = wantsDetail && count === 0;
    if (lineIndent <= indent && !flushAllowed) break;
    count++;
  }
  return count;
}
